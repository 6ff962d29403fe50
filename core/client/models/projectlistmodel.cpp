#include "client/models/projectlistmodel.h"

#include "client/cache/cachestore.h"
#include "client/models/sortedrows.h"

#include <QScopedValueRollback>

namespace vesper::client {
namespace {
// "/api/outputs/{id}/file?variant=thumb" -> "{id}"; empty for anything else.
QString outputIdOf(const std::optional<QString> &url)
{
    static const QLatin1String prefix("/api/outputs/");
    if (!url || !url->startsWith(prefix))
        return {};
    const qsizetype end = url->indexOf(QLatin1Char('/'), prefix.size());
    return end < 0 ? QString() : url->mid(prefix.size(), end - prefix.size());
}
} // namespace

ProjectListModel::ProjectListModel(CacheStore &cache, QObject *parent)
    : QAbstractListModel(parent)
    , m_cache(&cache)
{
}

void ProjectListModel::rebindCache(CacheStore &cache)
{
    m_cache = &cache;
}

void ProjectListModel::reload()
{
    const QScopedValueRollback busy(m_busy, true);
    beginResetModel();
    m_rows.clear();
    m_pending.clear();
    m_rowById.clear();
    m_nextCursor.clear();
    m_lastError.clear();
    appendPage(m_cache->projects(m_pageSize), false);
    endResetModel();
}

bool ProjectListModel::appendPage(const CachePage<Project> &page, bool announce)
{
    if (!page.ok()) {
        m_lastError = page.error;
        m_nextCursor.clear(); // stop views from asking again and again
        return false;
    }
    m_lastError.clear();
    m_nextCursor = page.nextCursor;
    QList<const Project *> fresh;
    for (const Project &p : page.rows) {
        if (!m_rowById.contains(p.id))
            fresh << &p;
    }
    if (fresh.isEmpty())
        return true;
    const int first = int(m_rows.size());
    if (announce)
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (const Project *p : fresh) {
        m_rowById.insert(p->id, int(m_rows.size()));
        if (page.pending.contains(p->id))
            m_pending.insert(p->id);
        m_rows.append(*p);
    }
    if (announce)
        endInsertRows();
    return true;
}

void ProjectListModel::applyChanges(const CacheChanges &changes)
{
    const QScopedValueRollback busy(m_busy, true);
    for (const QString &id : changes.removedProjects) {
        const int row = rowOf(id);
        if (row >= 0)
            removeRowAt(row);
    }
    for (const QString &id : changes.projects)
        place(id);
}

void ProjectListModel::place(const QString &projectId)
{
    const int row = rowOf(projectId);
    bool pending = false;
    const std::optional<Project> fresh = m_cache->project(projectId, &pending);
    const std::optional<Cursor> edge = sortedrows::boundary(m_nextCursor);
    if (!fresh || !sortedrows::newestFirstCovers(edge, fresh->updatedAt, fresh->id)) {
        if (row >= 0)
            removeRowAt(row); // gone, or now past the loaded pages: fetchMore brings it back
        return;
    }
    if (pending)
        m_pending.insert(projectId);
    else
        m_pending.remove(projectId);
    const int to = sortedrows::insertionRow(int(m_rows.size()), row, [&](int k) {
        const Project &other = m_rows.at(k);
        return sortedrows::newestFirstBefore(other.updatedAt, other.id, fresh->updatedAt, fresh->id);
    });
    if (row < 0) {
        beginInsertRows({}, to, to);
        m_rows.insert(to, *fresh);
        reindexFrom(to);
        endInsertRows();
        return;
    }
    m_rows[row] = *fresh;
    if (to != row) {
        beginMoveRows({}, row, row, {}, to > row ? to + 1 : to);
        m_rows.move(row, to);
        reindexFrom(std::min(row, to));
        endMoveRows();
    }
    const QModelIndex changed = index(to);
    Q_EMIT dataChanged(changed, changed);
}

void ProjectListModel::removeRowAt(int row)
{
    beginRemoveRows({}, row, row);
    const QString id = m_rows.at(row).id;
    m_rows.removeAt(row);
    m_rowById.remove(id);
    m_pending.remove(id);
    reindexFrom(row);
    endRemoveRows();
}

void ProjectListModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows.at(i).id, i);
}

int ProjectListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ProjectListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Project &p = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return p.name;
    case IdRole:
        return p.id;
    case DescriptionRole:
        return p.description;
    case OwnerNameRole:
        return p.owner.displayName.isEmpty() ? p.owner.username.value_or(QString()) : p.owner.displayName;
    case OwnerIdRole:
        return p.owner.id;
    case SessionCountRole:
        return p.sessionCount;
    case IsSharedRole:
        return p.isShared;
    case CallerRoleRole:
        return memberRoleName(p.role);
    case ThumbnailOutputIdRole:
        return outputIdOf(p.thumbnailUrl);
    case IsPendingRole:
        return m_pending.contains(p.id);
    case UpdatedAtRole:
        return p.updatedAt;
    case RevRole:
        return p.rev ? QString::number(*p.rev) : QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> ProjectListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{IdRole, "id"}, {NameRole, "name"}, {DescriptionRole, "description"}, {OwnerNameRole, "ownerName"},
                  {OwnerIdRole, "ownerId"}, {SessionCountRole, "sessionCount"}, {IsSharedRole, "isShared"},
                  {CallerRoleRole, "callerRole"}, {ThumbnailOutputIdRole, "thumbnailOutputId"}, {IsPendingRole, "isPending"},
                  {UpdatedAtRole, "updatedAt"}, {RevRole, "rev"}});
    return names;
}

bool ProjectListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_nextCursor.isEmpty() && !m_busy;
}

void ProjectListModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_nextCursor.isEmpty() || m_busy)
        return;
    const QScopedValueRollback busy(m_busy, true);
    appendPage(m_cache->projects(m_pageSize, m_nextCursor), true);
}

int ProjectListModel::rowOf(const QString &projectId) const
{
    return m_rowById.value(projectId, -1);
}

const Project *ProjectListModel::projectAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

} // namespace vesper::client
