#pragma once
// A project's sessions for the side list, oldest first, read from the local cache: all of them are
// loaded (a project holds tens, not thousands), and sync changes update, insert or remove single
// rows so the selected session stays selected.
#include "client/cache/cachetypes.h"
#include "domain/session.h"

#include <QAbstractListModel>
#include <QSet>

namespace vesper::client {

class CacheStore;

class SessionListModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        NameRole,        // also Qt::DisplayRole
        IsPrivateRole,   // bool
        CreatorIdRole,
        IsPendingRole,   // made offline, not yet confirmed
        RevRole,         // QString, for If-Match
    };
    Q_ENUM(Role)

    explicit SessionListModel(CacheStore &cache, QObject *parent = nullptr);
    /// Reads from another CacheStore over the same cache file (the live workspace replacing the
    /// cached one, a reconnect): rows, selection and scroll place stay; no reset.
    void rebindCache(CacheStore &cache);

    /// Shows the sessions of projectId (empty: none). A reset: the list is a different list.
    void setProject(const QString &projectId);
    QString projectId() const { return m_projectId; }
    void applyChanges(const vesper::client::CacheChanges &changes);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    int rowOf(const QString &sessionId) const;
    const Session *sessionAt(int row) const;
    QString lastError() const { return m_lastError; }

private:
    QList<Session> loadAll(QSet<QString> *pending);
    CacheStore *m_cache; // never null; replaced by rebindCache
    QString m_projectId;
    QList<Session> m_rows;
    QSet<QString> m_pending;
    QString m_lastError;
};

} // namespace vesper::client
