#include "client/models/generationlistmodel.h"

#include "client/cache/cachestore.h"
#include "client/models/sortedrows.h"

#include <QScopedValueRollback>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace vesper::client {
namespace {
constexpr int kMaxDrift = 32;
} // namespace

GenerationListModel::GenerationListModel(CacheStore &cache, QObject *parent)
    : QAbstractListModel(parent)
    , m_cache(&cache)
{
}

GenerationListModel::~GenerationListModel()
{
    m_ahead.waitForFinished(); // it reads m_cache
}

void GenerationListModel::rebindCache(CacheStore &cache)
{
    m_ahead.waitForFinished(); // it reads the old store
    m_ahead = {};
    m_cache = &cache;
}

void GenerationListModel::showSession(const QString &sessionId)
{
    const QScopedValueRollback busy(m_busy, true);
    beginResetModel();
    m_sessionId = sessionId;
    m_searchText.clear();
    load();
    endResetModel();
}

void GenerationListModel::showSearch(const QString &text)
{
    const QScopedValueRollback busy(m_busy, true);
    beginResetModel();
    m_sessionId.clear();
    m_searchText = text.trimmed();
    load();
    endResetModel();
}

void GenerationListModel::load()
{
    ++m_epoch;
    m_rows.clear();
    m_pool.clear();
    m_pending.clear();
    m_rowById.clear();
    m_createdAtById.clear();
    m_generationOfOutput.clear();
    m_nextCursor.clear();
    m_lastError.clear();
    m_drift = 0;
    if (!m_sessionId.isEmpty() || isSearch())
        appendPage(readPage({}), false);
}

CachePage<Generation> GenerationListModel::readPage(const QString &cursor)
{
    return isSearch() ? m_cache->search(m_searchText, m_pageSize, cursor) : m_cache->generations(m_sessionId, m_pageSize, cursor);
}

bool GenerationListModel::appendPage(const CachePage<Generation> &page, bool announce)
{
    if (!page.ok()) {
        m_lastError = page.error;
        m_nextCursor.clear(); // stop views from asking again and again
        return false;
    }
    m_lastError.clear();
    m_nextCursor = page.nextCursor;
    QList<const Generation *> fresh;
    for (const Generation &g : page.rows) {
        if (!m_rowById.contains(g.id))
            fresh << &g;
    }
    if (fresh.isEmpty())
        return true;
    const int first = int(m_rows.size());
    if (announce)
        beginInsertRows({}, first, first + int(fresh.size()) - 1);
    for (const Generation *g : fresh) {
        m_rows.append(GenerationRow());
        setRow(int(m_rows.size()) - 1, *g, page.pending.contains(g->id));
    }
    if (announce)
        endInsertRows();
    return true;
}

void GenerationListModel::applyChanges(const CacheChanges &changes)
{
    const QScopedValueRollback busy(m_busy, true);
    ++m_epoch;
    if (m_rows.isEmpty() && m_sessionId.isEmpty())
        return;
    // A pending row the server's replaced: its removal is reported beside the server's row.
    bool pendingReplaced = false;
    for (const QString &id : changes.removedGenerations)
        pendingReplaced = pendingReplaced || m_pending.contains(id);
    // One read for every upserted generation that may show here (a search shows no new ones).
    QStringList wanted;
    for (const QString &id : changes.generations) {
        if (!isSearch() || pendingReplaced || rowOf(id) >= 0)
            wanted << id;
    }
    QHash<QString, Fresh> read = readFresh(wanted);
    QSet<QString> settled;
    // The server's row for a generation queued offline takes the pending row's place first, so
    // the pending id's removal below finds nothing and no other row moves.
    if (pendingReplaced) {
        for (auto it = read.cbegin(); it != read.cend(); ++it) {
            if (rowOf(it.key()) < 0 && replacePending(it.key(), *it, changes))
                settled.insert(it.key());
        }
    }
    // Removals in runs of adjacent rows, bottom first: a deleted session's 100k rows go in one step.
    QList<int> doomed;
    for (const QString &id : changes.removedGenerations) {
        const int row = rowOf(id);
        if (row >= 0)
            doomed << row;
    }
    std::sort(doomed.begin(), doomed.end());
    for (qsizetype end = doomed.size(); end > 0;) {
        qsizetype start = end - 1;
        while (start > 0 && doomed.at(start - 1) == doomed.at(start) - 1)
            --start;
        removeRowsAt(doomed.at(start), int(end - start));
        end = start;
    }
    for (const QString &id : std::as_const(wanted)) {
        if (!settled.contains(id))
            place(id, read.value(id)); // not read: gone, or another session's
        settled.insert(id);
    }
    // Outputs change their generation's row; the owner of one not seen yet is looked up (outputs
    // of generations placed above are known by now and cost nothing).
    QSet<QString> touched;
    QStringList unknown;
    for (const QSet<QString> *ids : {&changes.outputs, &changes.removedOutputs}) {
        for (const QString &outputId : *ids) {
            const auto owner = m_generationOfOutput.constFind(outputId);
            if (owner != m_generationOfOutput.constEnd())
                touched.insert(*owner);
            else if (ids == &changes.outputs)
                unknown << outputId;
        }
    }
    if (!unknown.isEmpty() && !m_rows.isEmpty()) {
        for (const QString &generationId : m_cache->generationsOfOutputs(unknown))
            touched.insert(generationId);
    }
    QStringList again;
    for (const QString &id : std::as_const(touched)) {
        if (!settled.contains(id) && rowOf(id) >= 0)
            again << id;
    }
    read = readFresh(again);
    for (const QString &id : std::as_const(again))
        place(id, read.value(id));
}

QHash<QString, GenerationListModel::Fresh> GenerationListModel::readFresh(const QStringList &ids)
{
    QHash<QString, Fresh> read;
    if (ids.isEmpty())
        return read;
    QSet<QString> pending;
    const QList<Generation> rows = m_cache->generationsIn(ids, isSearch() ? QString() : m_sessionId, &pending);
    for (const Generation &g : rows)
        read.insert(g.id, Fresh{g, pending.contains(g.id)});
    return read;
}

bool GenerationListModel::replacePending(const QString &id, const Fresh &fresh, const CacheChanges &changes)
{
    if (!fresh.row || !fresh.row->clientId || *fresh.row->clientId == id || !changes.removedGenerations.contains(*fresh.row->clientId))
        return false;
    const int row = rowOf(*fresh.row->clientId);
    if (row < 0)
        return false;
    if (!isSearch() && fresh.row->sessionId != m_sessionId) {
        removeRowAt(row);
        return true;
    }
    const GenerationRow old = m_rows.at(row);
    forgetOutputs(old);
    m_rowById.remove(old.id);
    m_createdAtById.remove(old.id);
    m_pending.remove(old.id);
    setRow(row, *fresh.row, fresh.pending);
    settle(row);
    return true;
}

void GenerationListModel::place(const QString &id, const Fresh &fresh)
{
    const int row = rowOf(id);
    if (isSearch()) { // new matches wait for the next search; the order (cache sequence) holds
        if (row < 0)
            return;
        if (!fresh.row) {
            removeRowAt(row);
            return;
        }
        forgetOutputs(m_rows.at(row));
        setRow(row, *fresh.row, fresh.pending);
        Q_EMIT dataChanged(index(row), index(row));
        return;
    }
    const bool belongs = fresh.row && fresh.row->sessionId == m_sessionId
        && sortedrows::newestFirstCovers(sortedrows::boundary(m_nextCursor), fresh.row->createdAt, fresh.row->id);
    if (!belongs) {
        if (row >= 0)
            removeRowAt(row); // gone, moved to another session, or past the loaded pages
        return;
    }
    if (row < 0) {
        const Generation &g = *fresh.row;
        const int to = sortedrows::insertionRow(int(m_rows.size()), -1, [&](int k) {
            return sortedrows::newestFirstBefore(m_rows.at(k).createdAt, m_rows.at(k).id, g.createdAt, g.id);
        });
        insertRowAt(to, g, fresh.pending);
        return;
    }
    forgetOutputs(m_rows.at(row));
    setRow(row, *fresh.row, fresh.pending);
    settle(row);
}

void GenerationListModel::settle(int row)
{
    int to = row;
    if (!isSearch()) {
        const GenerationRow &g = m_rows.at(row);
        to = sortedrows::insertionRow(int(m_rows.size()), row, [&](int k) {
            return sortedrows::newestFirstBefore(m_rows.at(k).createdAt, m_rows.at(k).id, g.createdAt, g.id);
        });
    }
    if (to != row) {
        beginMoveRows({}, row, row, {}, to > row ? to + 1 : to);
        m_rows.move(row, to);
        m_rowById.insert(m_rows.at(to).id, to);
        shifted();
        endMoveRows();
    }
    Q_EMIT dataChanged(index(to), index(to));
}

void GenerationListModel::setRow(int row, const Generation &g, bool pending)
{
    m_rows[row] = GenerationRow::from(g, m_pool);
    const QString &id = m_rows.at(row).id; // keys share the row's string
    m_rowById.insert(id, row);
    m_createdAtById.insert(id, g.createdAt);
    if (pending)
        m_pending.insert(g.id);
    else
        m_pending.remove(g.id);
    for (const QString &outputId : m_rows.at(row).outputIds)
        m_generationOfOutput.insert(outputId, id);
}

void GenerationListModel::insertRowAt(int row, const Generation &g, bool pending)
{
    beginInsertRows({}, row, row);
    m_rows.insert(row, GenerationRow());
    setRow(row, g, pending);
    if (row < m_rows.size() - 1)
        shifted();
    endInsertRows();
}

void GenerationListModel::removeRowAt(int row)
{
    removeRowsAt(row, 1);
}

void GenerationListModel::removeRowsAt(int first, int count)
{
    beginRemoveRows({}, first, first + count - 1);
    for (int row = first; row < first + count; ++row) {
        const GenerationRow &gone = m_rows.at(row);
        m_rowById.remove(gone.id);
        m_createdAtById.remove(gone.id);
        m_pending.remove(gone.id);
        forgetOutputs(gone);
    }
    m_rows.remove(first, count);
    if (first < m_rows.size())
        shifted(count);
    endRemoveRows();
}

void GenerationListModel::forgetOutputs(const GenerationRow &row)
{
    for (const QString &outputId : row.outputIds)
        m_generationOfOutput.remove(outputId);
}

void GenerationListModel::shifted(int rows)
{
    // A session's rows are found by their sort key (rowOf), so stale hints cost nothing; search
    // results (ordered by the cache's sequence, unknown here) are found near their hint instead.
    if (isSearch() && (m_drift += rows) > kMaxDrift)
        reindexFrom(0);
}

void GenerationListModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_rowById.insert(m_rows.at(i).id, i);
    if (row == 0)
        m_drift = 0;
}

int GenerationListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant GenerationListModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const GenerationRow &g = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case PromptRole:
        return g.prompt;
    case IdRole:
        return g.id;
    case NegativePromptRole:
        return g.negativePrompt;
    case ModelIdRole:
        return g.modelId;
    case StatusRole:
        return generationStatusName(g.status);
    case ProgressRole:
        return int(g.progress);
    case ProgressIsEstimateRole:
        return g.progressIsEstimate;
    case ErrorRole:
        return g.errorMessage;
    case OutputIdsRole:
        return g.outputIds;
    case OutputCountRole:
        return int(g.outputIds.size());
    case FirstOutputIdRole:
        return g.outputIds.isEmpty() ? QString() : g.outputIds.first();
    case AspectRatioRole:
        return g.aspectRatio;
    case SeedRole:
        return g.hasSeed ? QVariant(g.seed) : QVariant();
    case IsPendingRole:
        return !m_pending.isEmpty() && m_pending.contains(g.id);
    case CreatedAtRole:
        return g.createdAt;
    case SessionIdRole:
        return g.sessionId;
    case RevRole:
        return g.rev ? QString::number(*g.rev) : QString();
    default:
        return {};
    }
}

QHash<int, QByteArray> GenerationListModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert({{IdRole, "id"}, {PromptRole, "prompt"}, {NegativePromptRole, "negativePrompt"}, {ModelIdRole, "modelId"},
                  {StatusRole, "status"}, {ProgressRole, "progress"}, {ProgressIsEstimateRole, "progressIsEstimate"},
                  {ErrorRole, "error"}, {OutputIdsRole, "outputIds"}, {OutputCountRole, "outputCount"},
                  {FirstOutputIdRole, "firstOutputId"}, {AspectRatioRole, "aspectRatio"}, {SeedRole, "seed"},
                  {IsPendingRole, "isPending"}, {CreatedAtRole, "createdAt"}, {SessionIdRole, "sessionId"}, {RevRole, "rev"}});
    return names;
}

bool GenerationListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_nextCursor.isEmpty() && !m_busy;
}

void GenerationListModel::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || m_nextCursor.isEmpty() || m_busy)
        return;
    const QScopedValueRollback busy(m_busy, true);
    m_ahead.waitForFinished(); // a stale one still running must end before it is dropped
    const bool ready = m_ahead.isValid() && m_aheadCursor == m_nextCursor && m_aheadEpoch == m_epoch;
    const CachePage<Generation> page = ready ? m_ahead.result() : readPage(m_nextCursor);
    m_ahead = {};
    if (appendPage(page, true))
        readAhead();
}

void GenerationListModel::readAhead()
{
    if (m_nextCursor.isEmpty())
        return;
    m_aheadCursor = m_nextCursor;
    m_aheadEpoch = m_epoch;
    m_ahead = QtConcurrent::run([cache = m_cache, session = m_sessionId, search = m_searchText, size = m_pageSize,
                                 cursor = m_nextCursor] {
        return search.isEmpty() ? cache->generations(session, size, cursor) : cache->search(search, size, cursor);
    });
}

int GenerationListModel::rowOf(const QString &generationId) const
{
    const auto it = m_rowById.constFind(generationId);
    if (it == m_rowById.constEnd())
        return -1;
    const int hint = *it;
    const int count = int(m_rows.size());
    if (hint >= 0 && hint < count && m_rows.at(hint).id == generationId)
        return hint;
    if (!isSearch()) { // newest first: binary search by (createdAt, id)
        const qint64 createdAt = m_createdAtById.value(generationId);
        const int row = sortedrows::insertionRow(count, -1, [&](int k) {
            return sortedrows::newestFirstBefore(m_rows.at(k).createdAt, m_rows.at(k).id, createdAt, generationId);
        });
        return row < count && m_rows.at(row).id == generationId ? row : -1;
    }
    for (int d = 1; d <= m_drift; ++d) {
        if (hint - d >= 0 && hint - d < count && m_rows.at(hint - d).id == generationId)
            return hint - d;
        if (hint + d >= 0 && hint + d < count && m_rows.at(hint + d).id == generationId)
            return hint + d;
    }
    return -1;
}

int GenerationListModel::rowOfOutput(const QString &outputId) const
{
    const auto owner = m_generationOfOutput.constFind(outputId);
    return owner == m_generationOfOutput.constEnd() ? -1 : rowOf(*owner);
}

std::optional<Generation> GenerationListModel::generationAt(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return std::nullopt;
    return m_cache->generation(m_rows.at(row).id);
}

const GenerationRow *GenerationListModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

} // namespace vesper::client
