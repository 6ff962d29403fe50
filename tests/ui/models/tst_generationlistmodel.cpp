// GenerationListModel over a real cache: keyset paging to the end, a new generation inserted at the
// top without disturbing persistent indexes, one row changed or removed for one change (never a
// reset), outputs arriving on their own, a pending row replaced in place by the server's, search.
#include "modelfixture.h"
#include "synthfeed.h"

#include "client/models/generationlistmodel.h"
#include "common/uuid.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {
const QString kGeneration = QStringLiteral("generation");
const QString kOutput = QStringLiteral("output");
} // namespace

class TestGenerationListModel : public QObject {
    Q_OBJECT

    ModelFixture m_cache;
    QString m_sessionId;
    QList<Generation> m_made; // oldest first

    // A project, a session and count completed generations (one output each), createdAt 1000, 2000, ...
    void fill(int count, const QString &prompt = QStringLiteral("a red fox"))
    {
        const Project p = synthProject(QStringLiteral("P"), 1);
        const Session s = synthSession(p.id, QStringLiteral("S"), 1);
        m_sessionId = s.id;
        QJsonArray page{upsertChange(m_cache.nextRev(), QStringLiteral("project"), p.toJson()),
                        upsertChange(m_cache.nextRev(), QStringLiteral("session"), s.toJson())};
        m_made.clear();
        for (int i = 0; i < count; ++i) {
            Generation g = synthGeneration(s.id, QStringLiteral("%1 %2").arg(prompt).arg(i), 1000 * (i + 1));
            const Output o = synthOutput(g, g.createdAt + 1);
            page << upsertChange(m_cache.nextRev(), kGeneration, g.toJson()) << upsertChange(m_cache.nextRev(), kOutput, o.toJson());
            g.outputs = QList<Output>{o};
            m_made << g;
        }
        m_cache.apply(page);
    }

    static QString idAt(const QAbstractItemModel &model, int row)
    {
        return model.index(row, 0).data(GenerationListModel::IdRole).toString();
    }

private Q_SLOTS:
    void init() { QVERIFY(m_cache.open()); }
    void cleanup() { m_cache.close(); }

    void pagesThroughAThousandRows()
    {
        fill(1000);
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(64);
        model.showSession(m_sessionId);
        QCOMPARE(model.rowCount(), 64);
        QVERIFY(model.canFetchMore({}));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        int pages = 1;
        while (model.canFetchMore({})) {
            const int before = model.rowCount();
            model.fetchMore({});
            QCOMPARE(inserted.last().at(1).toInt(), before); // appended at the end
            ++pages;
        }
        QCOMPARE(pages, 16);
        QCOMPARE(model.rowCount(), 1000);
        // Newest first, every generation once.
        for (int row = 0; row < 1000; ++row)
            QCOMPARE(idAt(model, row), m_made.at(999 - row).id);
        QCOMPARE(model.rowOf(m_made.first().id), 999);
        QCOMPARE(model.rowOfOutput(m_made.first().outputs->first().id), 999);
        const QModelIndex top = model.index(0, 0);
        QCOMPARE(top.data(Qt::DisplayRole).toString(), m_made.last().prompt);
        QCOMPARE(top.data(GenerationListModel::StatusRole).toString(), QStringLiteral("completed"));
        QCOMPARE(top.data(GenerationListModel::OutputIdsRole).toStringList(), QStringList{m_made.last().outputs->first().id});
        QCOMPARE(top.data(GenerationListModel::FirstOutputIdRole).toString(), m_made.last().outputs->first().id);
        QCOMPARE(top.data(GenerationListModel::AspectRatioRole).toString(), QStringLiteral("1:1"));
        QVERIFY(!top.data(GenerationListModel::IsPendingRole).toBool());
        QVERIFY(!top.data(GenerationListModel::SeedRole).isValid());
    }

    void newGenerationIsInsertedAtTheTop()
    {
        fill(300);
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(100);
        model.showSession(m_sessionId);
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 200);
        const QString watched = idAt(model, 5);
        const QPersistentModelIndex persistent = model.index(5, 0);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);

        Generation fresh = synthGeneration(m_sessionId, QStringLiteral("brand new"), 10'000'000);
        fresh.parameters.insert(QStringLiteral("aspectRatio"), QStringLiteral("16:9"));
        fresh.parameters.insert(QStringLiteral("seed"), 42);
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, fresh.toJson())}));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted.first().at(1).toInt(), 0);
        QCOMPARE(inserted.first().at(2).toInt(), 0);
        QCOMPARE(model.rowCount(), 201);
        QCOMPARE(idAt(model, 0), fresh.id);
        QCOMPARE(model.index(0, 0).data(GenerationListModel::AspectRatioRole).toString(), QStringLiteral("16:9"));
        QCOMPARE(model.index(0, 0).data(GenerationListModel::SeedRole).toLongLong(), 42);
        QCOMPARE(persistent.row(), 6);
        QCOMPARE(persistent.data(GenerationListModel::IdRole).toString(), watched);
        QCOMPARE(model.rowOf(watched), 6);

        // One older than every loaded row waits for its page; fetching to the end shows it once.
        const Generation old = synthGeneration(m_sessionId, QStringLiteral("very old"), 10);
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, old.toJson())}));
        QCOMPARE(model.rowCount(), 201);
        QCOMPARE(model.rowOf(old.id), -1);
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 302);
        QCOMPARE(model.rowOf(old.id), 301);
        // Once everything is loaded an old one goes straight to its place; another session's is ignored.
        const Generation older = synthGeneration(m_sessionId, QStringLiteral("older"), 5);
        const Generation elsewhere = synthGeneration(newUuidV7(), QStringLiteral("elsewhere"), 20'000'000);
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, older.toJson()),
                                          upsertChange(m_cache.nextRev(), kGeneration, elsewhere.toJson())}));
        QCOMPARE(model.rowOf(older.id), 302);
        QCOMPARE(model.rowOf(elsewhere.id), -1);
        QCOMPARE(persistent.data(GenerationListModel::IdRole).toString(), watched);
        QCOMPARE(reset.size(), 0);
    }

    void manyNewRowsKeepLookupsRight()
    {
        fill(50);
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.showSession(m_sessionId);
        // More inserts than the index tolerates before it is rebuilt, one change set each.
        for (int i = 0; i < 80; ++i) {
            const Generation g = synthGeneration(m_sessionId, QStringLiteral("burst %1").arg(i), 1'000'000 + i);
            model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, g.toJson())}));
            QCOMPARE(model.rowOf(g.id), 0);
        }
        QCOMPARE(model.rowCount(), 130);
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.rowOf(idAt(model, row)), row);
        QCOMPARE(model.rowOfOutput(m_made.first().outputs->first().id), 129);
    }

    void anUpdateChangesOneRow()
    {
        fill(40);
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.showSession(m_sessionId);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);

        // The tracker's poll: row 3 is processing at 40 %.
        Generation polled = m_made.at(36);
        polled.status = GenerationStatus::Processing;
        polled.progress = 40;
        polled.outputs.reset();
        CacheChanges tracked;
        QString error;
        QVERIFY2(m_cache.store().updateGenerations({polled}, &tracked, &error), qPrintable(error));
        model.applyChanges(tracked);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 3);
        QCOMPARE(changed.first().at(1).toModelIndex().row(), 3);
        QCOMPARE(model.index(3, 0).data(GenerationListModel::ProgressRole).toInt(), 40);
        QCOMPARE(model.index(3, 0).data(GenerationListModel::StatusRole).toString(), QStringLiteral("processing"));

        // A second output arrives on its own (no generation change in the page): row 7 changes.
        const Output extra = synthOutput(m_made.at(32), m_made.at(32).createdAt + 5);
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kOutput, extra.toJson())}));
        QCOMPARE(changed.size(), 2);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 7);
        QCOMPARE(model.index(7, 0).data(GenerationListModel::OutputCountRole).toInt(), 2);
        QCOMPARE(model.rowOfOutput(extra.id), 7);

        // The first output is deleted: the row changes, its first output is the other one.
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), kOutput, m_made.at(32).outputs->first().id)}));
        QCOMPARE(changed.size(), 3);
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 7);
        QCOMPARE(model.index(7, 0).data(GenerationListModel::FirstOutputIdRole).toString(), extra.id);
        QCOMPARE(model.rowOfOutput(m_made.at(32).outputs->first().id), -1);

        // A failure carries its message.
        Generation failed = m_made.at(20);
        failed.status = GenerationStatus::Failed;
        failed.error = GenerationError{QStringLiteral("provider_error"), QStringLiteral("The provider refused the prompt")};
        failed.outputs.reset();
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, failed.toJson())}));
        QCOMPARE(changed.last().at(0).toModelIndex().row(), 19);
        QCOMPARE(model.index(19, 0).data(GenerationListModel::ErrorRole).toString(), QStringLiteral("The provider refused the prompt"));
        QCOMPARE(reset.size(), 0);
        QCOMPARE(moved.size(), 0);
        QCOMPARE(model.rowCount(), 40);
    }

    void aDeletionRemovesOneRow()
    {
        fill(30);
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.showSession(m_sessionId);
        const QPersistentModelIndex above = model.index(2, 0), below = model.index(10, 0);
        const QString aboveId = idAt(model, 2), belowId = idAt(model, 10), doomed = idAt(model, 4);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), kGeneration, doomed)}));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 4);
        QCOMPARE(model.rowCount(), 29);
        QCOMPARE(model.rowOf(doomed), -1);
        QCOMPARE(above.row(), 2);
        QCOMPARE(above.data(GenerationListModel::IdRole).toString(), aboveId);
        QCOMPARE(below.row(), 9);
        QCOMPARE(below.data(GenerationListModel::IdRole).toString(), belowId);
        QCOMPARE(reset.size(), 0);
    }

    void aDeletedSessionGoesInOneStep()
    {
        fill(500);
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(100);
        model.showSession(m_sessionId);
        model.fetchMore({});
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);
        // Three scattered deletions: three runs, bottom first.
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), kGeneration, idAt(model, 150)),
                                          deleteChange(m_cache.nextRev(), kGeneration, idAt(model, 10)),
                                          deleteChange(m_cache.nextRev(), kGeneration, idAt(model, 11))}));
        QCOMPARE(removed.size(), 2);
        QCOMPARE(removed.at(0).at(1).toInt(), 150);
        QCOMPARE(removed.at(1).at(1).toInt(), 10);
        QCOMPARE(removed.at(1).at(2).toInt(), 11);
        QCOMPARE(model.rowCount(), 197);
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), QStringLiteral("session"), m_sessionId)}));
        QCOMPARE(removed.size(), 3);
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.canFetchMore({}) || (model.fetchMore({}), model.rowCount() == 0));
        QCOMPARE(reset.size(), 0);
    }

    void pendingRowIsReplacedInPlace()
    {
        fill(10);
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.showSession(m_sessionId);
        // Queued offline, as Outbox::requestGeneration stores it: the local id is the clientId.
        Generation local = synthGeneration(m_sessionId, QStringLiteral("offline wish"), 5'000'000);
        local.id = local.clientId.emplace(newUuidV7());
        local.status = GenerationStatus::Queued;
        local.progress = 0;
        local.outputs = QList<Output>();
        model.applyChanges(m_cache.storePending(kGeneration, local.toJson()));
        QCOMPARE(model.rowCount(), 11);
        QCOMPARE(idAt(model, 0), local.id);
        QVERIFY(model.index(0, 0).data(GenerationListModel::IsPendingRole).toBool());
        QCOMPARE(model.index(0, 0).data(GenerationListModel::StatusRole).toString(), QStringLiteral("queued"));

        const QPersistentModelIndex selected = model.index(0, 0), other = model.index(3, 0);
        const QString otherId = idAt(model, 3);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);
        // The feed brings the server's row, with its own id and the same clientId (a later time).
        Generation server = synthGeneration(m_sessionId, QStringLiteral("offline wish"), 5'000'100);
        server.clientId = local.clientId;
        server.status = GenerationStatus::Processing;
        const CacheChanges changes = m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, server.toJson())});
        QVERIFY(changes.removedGenerations.contains(local.id));
        QVERIFY(changes.generations.contains(server.id));
        model.applyChanges(changes);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(removed.size(), 0);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(model.rowCount(), 11);
        QCOMPARE(model.rowOf(local.id), -1);
        QCOMPARE(model.rowOf(server.id), 0);
        QCOMPARE(selected.row(), 0); // the selection stays on the same row, now the server's
        QCOMPARE(selected.data(GenerationListModel::IdRole).toString(), server.id);
        QVERIFY(!selected.data(GenerationListModel::IsPendingRole).toBool());
        QCOMPARE(other.data(GenerationListModel::IdRole).toString(), otherId);

        // A pending row the server refused goes away.
        Generation refused = synthGeneration(m_sessionId, QStringLiteral("refused"), 6'000'000);
        refused.id = refused.clientId.emplace(newUuidV7());
        model.applyChanges(m_cache.storePending(kGeneration, refused.toJson()));
        QCOMPARE(model.rowOf(refused.id), 0);
        CacheChanges dropped;
        QString error;
        QVERIFY(m_cache.store().dropPending(kGeneration, refused.id, &dropped, &error));
        model.applyChanges(dropped);
        QCOMPARE(model.rowOf(refused.id), -1);
        QCOMPARE(model.rowCount(), 11);
    }

    void searchUpdatesAndRemovesMatches()
    {
        fill(20, QStringLiteral("a red fox"));
        const QString firstSession = m_sessionId;
        const QList<Generation> foxes = m_made;
        fill(5, QStringLiteral("a blue whale"));
        GenerationListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(8);
        model.showSearch(QStringLiteral("fox"));
        QVERIFY(model.isSearch());
        QCOMPARE(model.rowCount(), 8);
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 20);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);
        const int row = model.rowOf(foxes.at(4).id);
        QVERIFY(row >= 0);
        Generation edited = foxes.at(4);
        edited.progress = 77;
        edited.outputs.reset();
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, edited.toJson())}));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), row);
        QCOMPARE(model.index(row, 0).data(GenerationListModel::ProgressRole).toInt(), 77);
        QCOMPARE(model.rowOf(foxes.at(4).id), row); // search order holds

        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), kGeneration, foxes.at(9).id)}));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(model.rowCount(), 19);
        QCOMPARE(model.rowOf(foxes.at(9).id), -1);
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.rowOf(idAt(model, r)), r); // found near their old place after the shift
        // New matches wait for the next search.
        const Generation another = synthGeneration(firstSession, QStringLiteral("another fox"), 99'000'000);
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kGeneration, another.toJson())}));
        QCOMPARE(model.rowCount(), 19);
        QCOMPARE(reset.size(), 0);
        model.showSearch(QStringLiteral("fox"));
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 20);
        QCOMPARE(model.rowOf(another.id), 0);
        model.showSearch(QStringLiteral("whale"));
        QCOMPARE(model.rowCount(), 5);
    }
};

QTEST_GUILESS_MAIN(TestGenerationListModel)
#include "tst_generationlistmodel.moc"
