// SessionListModel over a real cache: a project's sessions oldest first, a new one inserted, a
// rename changing one row, a removal, a pending session replaced by the server's, other projects'
// sessions ignored, and never a reset after setProject.
#include "modelfixture.h"
#include "synthfeed.h"

#include "client/models/sessionlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {
const QString kSession = QStringLiteral("session");
} // namespace

class TestSessionListModel : public QObject {
    Q_OBJECT

    ModelFixture m_cache;

    static QString idAt(const QAbstractItemModel &model, int row)
    {
        return model.index(row, 0).data(SessionListModel::IdRole).toString();
    }

private Q_SLOTS:
    void init() { QVERIFY(m_cache.open()); }
    void cleanup() { m_cache.close(); }

    void insertRenameRemove()
    {
        const Project p = synthProject(QStringLiteral("P"), 1), other = synthProject(QStringLiteral("Other"), 2);
        QJsonArray page{upsertChange(m_cache.nextRev(), QStringLiteral("project"), p.toJson()),
                        upsertChange(m_cache.nextRev(), QStringLiteral("project"), other.toJson())};
        QList<Session> made;
        for (int i = 0; i < 600; ++i) { // more than one page of the cache's reads
            made << synthSession(p.id, QStringLiteral("Session %1").arg(i), 1000 * (i + 1));
            page << upsertChange(m_cache.nextRev(), kSession, made.last().toJson());
        }
        m_cache.apply(page);

        SessionListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setProject(p.id);
        QCOMPARE(model.rowCount(), 600);
        QCOMPARE(idAt(model, 0), made.first().id); // oldest first
        QCOMPARE(model.index(599, 0).data(Qt::DisplayRole).toString(), QStringLiteral("Session 599"));
        QCOMPARE(model.rowOf(made.at(10).id), 10);

        const QPersistentModelIndex selected = model.index(300, 0);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);

        // Inserted at its place (between sessions 99 and 100), not at the end.
        const Session between = synthSession(p.id, QStringLiteral("Between"), 100'500);
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kSession, between.toJson())}));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 100);
        QCOMPARE(selected.row(), 301);
        QCOMPARE(selected.data(SessionListModel::IdRole).toString(), made.at(300).id);

        // Renamed (and made private): one row changes.
        Session renamed = made.at(300);
        renamed.name = QStringLiteral("Renamed");
        renamed.isPrivate = true;
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kSession, renamed.toJson())}));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 301);
        QCOMPARE(selected.data(SessionListModel::NameRole).toString(), QStringLiteral("Renamed"));
        QVERIFY(selected.data(SessionListModel::IsPrivateRole).toBool());

        // Removed: one row goes; another project's session changes nothing.
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), kSession, made.at(5).id),
                                          upsertChange(m_cache.nextRev(), kSession,
                                                       synthSession(other.id, QStringLiteral("Elsewhere"), 7).toJson())}));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 5);
        QCOMPARE(model.rowCount(), 600);
        QCOMPARE(selected.row(), 300);
        QCOMPARE(changed.size(), 1);

        // Pending, then replaced by the server's row after the send.
        const Session offline = synthSession(p.id, QStringLiteral("Offline"), 90'000'000);
        model.applyChanges(m_cache.storePending(kSession, offline.toJson()));
        QCOMPARE(model.rowOf(offline.id), 600);
        QVERIFY(model.index(600, 0).data(SessionListModel::IsPendingRole).toBool());
        CacheChanges replaced;
        QString error;
        QVERIFY(m_cache.store().dropPending(kSession, offline.id, &replaced, &error));
        Session server = synthSession(p.id, QStringLiteral("Offline"), 90'000'001);
        replaced.merge(m_cache.apply({upsertChange(m_cache.nextRev(), kSession, server.toJson())}));
        model.applyChanges(replaced);
        QCOMPARE(model.rowOf(offline.id), -1);
        QCOMPARE(model.rowOf(server.id), 600);
        QVERIFY(!model.index(600, 0).data(SessionListModel::IsPendingRole).toBool());
        QCOMPARE(model.rowCount(), 601);
        QCOMPARE(selected.data(SessionListModel::IdRole).toString(), made.at(300).id);
        QCOMPARE(reset.size(), 0);

        // The project's deletion empties the list row by row.
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), QStringLiteral("project"), p.id)}));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(reset.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSessionListModel)
#include "tst_sessionlistmodel.moc"
