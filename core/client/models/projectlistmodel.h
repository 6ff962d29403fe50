#pragma once
// The project gallery's rows, read from the local cache (never the network): keyset pages loaded as
// the view scrolls (canFetchMore/fetchMore), and row-level updates from what a sync page, a write or
// the tracker changed — rows are inserted, moved, changed or removed, never reset, so the grid keeps
// the user's scroll position and selection. data() reads rows held in memory: no SQL while painting.
//
//     ProjectListModel model(workspace.cache());
//     model.reload();                                        // first page, at start or account switch
//     connect(&ctx, &UiContext::cacheChanged, &model, &ProjectListModel::applyChanges);
#include "client/cache/cachetypes.h"
#include "domain/project.h"

#include <QAbstractListModel>
#include <QHash>
#include <QSet>
#include <optional>

namespace vesper::client {

class CacheStore;

class ProjectListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        NameRole,             // also Qt::DisplayRole
        DescriptionRole,
        OwnerNameRole,        // owner's display name (username when empty)
        OwnerIdRole,
        SessionCountRole,     // qint64
        IsSharedRole,         // bool
        CallerRoleRole,       // "owner", "editor", "viewer"
        ThumbnailOutputIdRole, // the output id of the project's thumbnail; empty when it has no image
        IsPendingRole,        // made offline, not yet confirmed by the server
        UpdatedAtRole,        // qint64 microseconds since the epoch
        RevRole,              // QString: the rev for If-Match (empty when unknown)
    };
    Q_ENUM(Role)

    explicit ProjectListModel(CacheStore &cache, QObject *parent = nullptr);
    /// Reads from another CacheStore over the same cache file (the live workspace replacing the
    /// cached one, a reconnect): rows, selection and scroll place stay; no reset.
    void rebindCache(CacheStore &cache);

    /// Drops every row and loads the first page again (start, account switch); the one reset.
    void reload();
    /// Rows are inserted, updated, moved or removed for what changed; nothing else moves.
    void applyChanges(const vesper::client::CacheChanges &changes);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    /// The row holding a project, or -1 when it is not loaded.
    int rowOf(const QString &projectId) const;
    const Project *projectAt(int row) const;
    /// Rows per page read from the cache (default 200).
    void setPageSize(int rows) { m_pageSize = rows; }
    /// The last cache error (empty when reads work).
    QString lastError() const { return m_lastError; }

private:
    void reindexFrom(int row);
    /// Appends a page's rows not already held (a moved row may come again); false on a read error.
    bool appendPage(const CachePage<Project> &page, bool announce);
    /// Puts the cache's current version of a project where it belongs: changed, moved, inserted,
    /// or removed when it no longer lies in the loaded range.
    void place(const QString &projectId);
    void removeRowAt(int row);
    CacheStore *m_cache; // never null; replaced by rebindCache
    QList<Project> m_rows;
    QSet<QString> m_pending;
    QHash<QString, int> m_rowById;
    QString m_nextCursor;
    QString m_lastError;
    int m_pageSize = 200;
    /// Set while this model announces a change: a fetchMore from a slot on its signals (views and
    /// QAbstractItemModelTester call it there) must not insert rows inside another change.
    bool m_busy = false;
};

} // namespace vesper::client
