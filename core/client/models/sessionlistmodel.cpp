#include "client/models/sessionlistmodel.h"

#include "client/cache/cachestore.h"

#include <utility>

namespace vesper::client {
namespace {
constexpr int kPage = 500;

QString revText(const std::optional<qint64> &rev)
{
    return rev ? QString::number(*rev) : QString();
}
} // namespace

SessionListModel::SessionListModel(CacheStore &cache, QObject *parent)
    : QAbstractListModel(parent)
    , m_cache(&cache)
{
}

void SessionListModel::rebindCache(CacheStore &cache)
{
    m_cache = &cache;
}

QList<Session> SessionListModel::loadAll(QSet<QString> *pending)
{
    QList<Session> all;
    if (m_projectId.isEmpty())
        return all;
    QString cursor;
    do {
        const CachePage<Session> page = m_cache->sessions(m_projectId, kPage, cursor);
        if (!page.ok()) {
            m_lastError = page.error;
            return all;
        }
        all << page.rows;
        pending->unite(page.pending);
        cursor = page.nextCursor;
    } while (!cursor.isEmpty());
    m_lastError.clear();
    return all;
}

void SessionListModel::setProject(const QString &projectId)
{
    beginResetModel();
    m_projectId = projectId;
    m_pending.clear();
    m_rows = loadAll(&m_pending);
    endResetModel();
}

void SessionListModel::applyChanges(const CacheChanges &changes)
{
    if (m_projectId.isEmpty() || (changes.sessions.isEmpty() && changes.removedSessions.isEmpty()))
        return;
    QSet<QString> pending;
    const QList<Session> fresh = loadAll(&pending);
    if (!m_lastError.isEmpty())
        return; // keep what is shown rather than empty the list on a failed read
    const QSet<QString> wasPending = std::exchange(m_pending, pending);
    QSet<QString> wanted;
    for (const Session &s : fresh)
        wanted.insert(s.id);
    // Rows that left the list first, then walk the new order: keep, change, move or insert.
    for (int i = int(m_rows.size()) - 1; i >= 0; --i) {
        if (!wanted.contains(m_rows.at(i).id)) {
            beginRemoveRows({}, i, i);
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    for (int i = 0; i < fresh.size(); ++i) {
        const Session &s = fresh.at(i);
        int at = -1;
        for (int j = i; j < m_rows.size(); ++j) {
            if (m_rows.at(j).id == s.id) {
                at = j;
                break;
            }
        }
        if (at < 0) {
            beginInsertRows({}, i, i);
            m_rows.insert(i, s);
            endInsertRows();
            continue;
        }
        if (at != i) {
            beginMoveRows({}, at, at, {}, i);
            m_rows.move(at, i);
            endMoveRows();
        }
        if (!(m_rows.at(i) == s) || wasPending.contains(s.id) != pending.contains(s.id)) {
            m_rows[i] = s;
            Q_EMIT dataChanged(index(i), index(i));
        }
    }
}

int SessionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SessionListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Session &s = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return s.name;
    case IdRole:
        return s.id;
    case IsPrivateRole:
        return s.isPrivate;
    case CreatorIdRole:
        return s.creatorId;
    case IsPendingRole:
        return m_pending.contains(s.id);
    case RevRole:
        return revText(s.rev);
    default:
        return {};
    }
}

QHash<int, QByteArray> SessionListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{IdRole, "id"}, {NameRole, "name"}, {IsPrivateRole, "isPrivate"}, {CreatorIdRole, "creatorId"},
                  {IsPendingRole, "isPending"}, {RevRole, "rev"}});
    return names;
}

int SessionListModel::rowOf(const QString &sessionId) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == sessionId)
            return i;
    }
    return -1;
}

const Session *SessionListModel::sessionAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

} // namespace vesper::client
