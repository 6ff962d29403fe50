// ProjectListModel over a real cache: keyset paging to the end, an updated project moves to the
// top with one move (persistent indexes follow it), one row changes or goes for one change,
// pending projects, the thumbnail's output id.
#include "modelfixture.h"
#include "synthfeed.h"

#include "client/models/projectlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::test;

namespace {
const QString kProject = QStringLiteral("project");
} // namespace

class TestProjectListModel : public QObject {
    Q_OBJECT

    ModelFixture m_cache;
    QList<Project> m_made; // oldest update first

    void fill(int count)
    {
        QJsonArray page;
        m_made.clear();
        for (int i = 0; i < count; ++i) {
            Project p = synthProject(QStringLiteral("Project %1").arg(i), 1000 * (i + 1));
            p.sessionCount = i % 7;
            page << upsertChange(m_cache.nextRev(), kProject, p.toJson());
            m_made << p;
        }
        m_cache.apply(page);
    }

    static QString idAt(const QAbstractItemModel &model, int row)
    {
        return model.index(row, 0).data(ProjectListModel::IdRole).toString();
    }

private Q_SLOTS:
    void init() { QVERIFY(m_cache.open()); }
    void cleanup() { m_cache.close(); }

    void pagesThroughAThousandRows()
    {
        fill(1000);
        ProjectListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(100);
        model.reload();
        QCOMPARE(model.rowCount(), 100);
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 1000);
        for (int row = 0; row < 1000; ++row)
            QCOMPARE(idAt(model, row), m_made.at(999 - row).id);
        const QModelIndex top = model.index(0, 0);
        QCOMPARE(top.data(Qt::DisplayRole).toString(), QStringLiteral("Project 999"));
        QCOMPARE(top.data(ProjectListModel::OwnerNameRole).toString(), QStringLiteral("Owner"));
        QCOMPARE(top.data(ProjectListModel::SessionCountRole).toLongLong(), 999 % 7);
        QCOMPARE(top.data(ProjectListModel::CallerRoleRole).toString(), QStringLiteral("owner"));
        QCOMPARE(top.data(ProjectListModel::UpdatedAtRole).toLongLong(), 1000 * 1000);
        QVERIFY(top.data(ProjectListModel::ThumbnailOutputIdRole).toString().isEmpty());
        QVERIFY(!top.data(ProjectListModel::IsPendingRole).toBool());
    }

    void anUpdatedProjectMovesToTheTop()
    {
        fill(50);
        ProjectListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPageSize(20);
        model.reload();
        model.fetchMore({});
        QCOMPARE(model.rowCount(), 40);
        const QPersistentModelIndex moving = model.index(12, 0), above = model.index(3, 0), below = model.index(20, 0);
        const QString movingId = idAt(model, 12), aboveId = idAt(model, 3), belowId = idAt(model, 20);
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);

        Project renamed = *model.projectAt(12);
        renamed.name = QStringLiteral("Renamed");
        renamed.updatedAt = 9'000'000;
        renamed.thumbnailUrl = QStringLiteral("/api/outputs/0190a0b0-0000-7000-8000-000000000001/file?variant=thumb");
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kProject, renamed.toJson())}));
        QCOMPARE(moved.size(), 1);
        QCOMPARE(moved.first().at(1).toInt(), 12); // sourceStart
        QCOMPARE(moved.first().at(4).toInt(), 0);  // destination row
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 0);
        QCOMPARE(moving.row(), 0);
        QCOMPARE(moving.data(ProjectListModel::IdRole).toString(), movingId);
        QCOMPARE(moving.data(ProjectListModel::NameRole).toString(), QStringLiteral("Renamed"));
        QCOMPARE(moving.data(ProjectListModel::ThumbnailOutputIdRole).toString(), QStringLiteral("0190a0b0-0000-7000-8000-000000000001"));
        QCOMPARE(above.row(), 4);
        QCOMPARE(above.data(ProjectListModel::IdRole).toString(), aboveId);
        QCOMPARE(below.row(), 20); // below the old place: unmoved
        QCOMPARE(below.data(ProjectListModel::IdRole).toString(), belowId);
        QCOMPARE(model.rowOf(movingId), 0);
        QCOMPARE(model.rowCount(), 40);

        // A project not loaded yet (beyond the pages) that is updated comes in at the top, once.
        const Project far = m_made.at(2);
        Project touched = far;
        touched.updatedAt = 9'500'000;
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kProject, touched.toJson())}));
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.rowOf(far.id), 0);
        QCOMPARE(moving.row(), 1);
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 50);
        QSet<QString> seen;
        for (int row = 0; row < 50; ++row)
            seen.insert(idAt(model, row));
        QCOMPARE(seen.size(), 50);

        // An update that keeps the order changes one row in place.
        changed.clear();
        Project described = *model.projectAt(30);
        described.description = QStringLiteral("now described");
        model.applyChanges(m_cache.apply({upsertChange(m_cache.nextRev(), kProject, described.toJson())}));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 30);
        QCOMPARE(model.index(30, 0).data(ProjectListModel::DescriptionRole).toString(), QStringLiteral("now described"));
        QCOMPARE(moved.size(), 1);
        QCOMPARE(reset.size(), 0);
    }

    void deletionsAndPendingProjects()
    {
        fill(10);
        ProjectListModel model(m_cache.store());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reload();
        const QPersistentModelIndex kept = model.index(6, 0);
        const QString keptId = idAt(model, 6), doomed = idAt(model, 2);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelAboutToBeReset);
        model.applyChanges(m_cache.apply({deleteChange(m_cache.nextRev(), kProject, doomed)}));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(removed.first().at(1).toInt(), 2);
        QCOMPARE(model.rowOf(doomed), -1);
        QCOMPARE(kept.row(), 5);
        QCOMPARE(kept.data(ProjectListModel::IdRole).toString(), keptId);

        // Made offline: pending at the top; the server's row replaces it after the send.
        Project offline = synthProject(QStringLiteral("Offline"), 50'000'000);
        model.applyChanges(m_cache.storePending(kProject, offline.toJson()));
        QCOMPARE(model.rowOf(offline.id), 0);
        QVERIFY(model.index(0, 0).data(ProjectListModel::IsPendingRole).toBool());
        CacheChanges dropped;
        QString error;
        QVERIFY(m_cache.store().dropPending(kProject, offline.id, &dropped, &error));
        Project server = offline;
        server.id = synthProject(QStringLiteral("x"), 1).id;
        server.updatedAt = 50'000'001;
        dropped.merge(m_cache.apply({upsertChange(m_cache.nextRev(), kProject, server.toJson())}));
        model.applyChanges(dropped);
        QCOMPARE(model.rowOf(offline.id), -1);
        QCOMPARE(model.rowOf(server.id), 0);
        QVERIFY(!model.index(0, 0).data(ProjectListModel::IsPendingRole).toBool());
        QCOMPARE(model.rowCount(), 10);
        QCOMPARE(kept.data(ProjectListModel::IdRole).toString(), keptId);
        QCOMPARE(reset.size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestProjectListModel)
#include "tst_projectlistmodel.moc"
