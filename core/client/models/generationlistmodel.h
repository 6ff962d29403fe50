#pragma once
// The session gallery's rows — generations newest first, each with its outputs — or the results of a
// full-text search over prompts, read from the local cache in keyset pages as the view scrolls. Sync,
// writes and the tracker change single rows (a new generation is inserted at the top, progress
// updates one row, a deletion removes one), never a reset, so scroll position and selection survive.
// data() reads rows held in memory (a few µs at most): painting never runs SQL. Rows are compact
// (GenerationRow: what the roles answer); the full Generation is read from the cache on demand.
//
//     GenerationListModel model(workspace.cache());
//     model.showSession(sessionId);
//     connect(&ctx, &UiContext::cacheChanged, &model, &GenerationListModel::applyChanges);
#include "client/cache/cachetypes.h"
#include "client/models/generationrow.h"
#include "domain/generation.h"

#include <QAbstractListModel>
#include <QFuture>
#include <QHash>
#include <QSet>
#include <optional>

namespace vesper::client {

class CacheStore;

class GenerationListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        PromptRole,             // also Qt::DisplayRole
        NegativePromptRole,
        ModelIdRole,
        StatusRole,             // "queued", "processing", "completed", "failed", "cancelled"
        ProgressRole,           // int 0..100
        ProgressIsEstimateRole, // bool
        ErrorRole,              // the failure's message; empty unless failed
        OutputIdsRole,          // QStringList, in output order
        OutputCountRole,        // int
        FirstOutputIdRole,      // QString, empty while none
        AspectRatioRole,        // QString from parameters ("1:1" when absent), for placeholders
        SeedRole,               // QVariant(qint64) or invalid when none
        IsPendingRole,          // queued offline, not yet sent
        CreatedAtRole,          // qint64 microseconds since the epoch
        SessionIdRole,
        RevRole,                // QString, for If-Match
    };
    Q_ENUM(Role)

    explicit GenerationListModel(CacheStore &cache, QObject *parent = nullptr);
    /// Waits for a page being read ahead.
    ~GenerationListModel() override;
    /// Reads from another CacheStore over the same cache file (the live workspace replacing the
    /// cached one, a reconnect): rows, selection and scroll place stay; no reset.
    void rebindCache(CacheStore &cache);

    /// Shows a session's generations, newest first (empty id: nothing). A reset.
    void showSession(const QString &sessionId);
    /// Shows generations whose prompts match text (CacheStore::search), across projects. A reset.
    void showSearch(const QString &text);
    QString sessionId() const { return m_sessionId; }
    QString searchText() const { return m_searchText; }
    bool isSearch() const { return !m_searchText.isEmpty(); }

    /// Rows inserted (at their place: new ones at the top), changed or removed for what changed.
    /// In search mode rows are updated and removed but new matches are not added until the next search.
    void applyChanges(const vesper::client::CacheChanges &changes);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    /// The row of a generation (-1 when not loaded), and the row holding an output (-1 likewise).
    int rowOf(const QString &generationId) const;
    int rowOfOutput(const QString &outputId) const;
    /// The full generation of a row (parameters, outputs), read from the cache: for the viewer,
    /// Retry and Reuse, not for painting. nullopt when the row does not exist or the cache lost it.
    std::optional<Generation> generationAt(int row) const;
    /// The compact row the roles answer from (null when out of range): no cache read.
    const GenerationRow *rowAt(int row) const;
    /// Rows per page read from the cache (default 200).
    void setPageSize(int rows) { m_pageSize = rows; }
    QString lastError() const { return m_lastError; }

private:
    /// A generation as the cache holds it now (row unset: gone) and whether it is pending.
    struct Fresh {
        std::optional<Generation> row;
        bool pending = false;
    };
    void load(); // first page of the current source
    void reindexFrom(int row);
    CachePage<Generation> readPage(const QString &cursor);
    /// Reads the page after the loaded ones on a pool thread, for the next fetchMore: a page of 200
    /// rows costs ~10 ms, a frame's worth, which then no longer lands in the frame that reaches the
    /// bottom. Dropped when the cache changed meanwhile (m_epoch).
    void readAhead();
    /// Appends a page's rows not already held; false on a read error (which stops paging).
    bool appendPage(const CachePage<Generation> &page, bool announce);
    /// The cache's current rows among ids (one query per 500); in a session, only that session's.
    QHash<QString, Fresh> readFresh(const QStringList &ids);
    /// Puts a generation where the cache says it belongs: changed, moved, inserted or removed.
    void place(const QString &id, const Fresh &fresh);
    /// Turns the pending row the server's row replaced into that row, in place; false if none.
    bool replacePending(const QString &id, const Fresh &fresh, const CacheChanges &changes);
    /// Moves a changed row to its sorted place (session lists) and announces the change.
    void settle(int row);
    void setRow(int row, const Generation &g, bool pending); // content and lookups; no signals
    void insertRowAt(int row, const Generation &g, bool pending);
    void removeRowAt(int row);
    void removeRowsAt(int first, int count);
    void forgetOutputs(const GenerationRow &row);
    /// Notes that rows after a change shifted. m_rowById holds each row's last known place (a hint):
    /// a session's row is found by binary search on its sort key when the hint is stale, search
    /// results lie within m_drift of it (rebuilt past a bound), so a new row at the top of 100k
    /// never rewrites the whole index.
    void shifted(int rows = 1);
    int m_drift = 0;
    QHash<QString, qint64> m_createdAtById; // the sort key of each row, for rowOf
    CacheStore *m_cache; // never null; replaced by rebindCache
    QString m_sessionId;
    QString m_searchText;
    QList<GenerationRow> m_rows;
    StringPool m_pool; // session, model and aspect ratio strings the rows share
    QSet<QString> m_pending;
    QHash<QString, int> m_rowById;
    QHash<QString, QString> m_generationOfOutput;
    QString m_nextCursor;
    QString m_lastError;
    int m_pageSize = 200;
    QFuture<CachePage<Generation>> m_ahead;
    QString m_aheadCursor; // the cursor m_ahead reads after
    int m_aheadEpoch = -1;
    int m_epoch = 0;       // bumped by every reset and applyChanges: a page read before is stale
    /// Set while this model announces a change: a fetchMore from a slot on its signals (views and
    /// QAbstractItemModelTester call it there) must not insert rows inside another change.
    bool m_busy = false;
};

} // namespace vesper::client
