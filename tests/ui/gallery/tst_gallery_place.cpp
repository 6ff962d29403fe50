// The session gallery keeps the user's place: with 2,000 generations scrolled to the middle and one
// selected, new generations at the top, a deletion above and an update to the selected row leave
// that card at the same viewport offset and selected (and new ones show the pill); so does a search
// and its clearing. The project grid keeps its place when a project above moves to the top. The
// thumbnail binder asks only for what is on screen, and scrolling drops the requests that scrolled away.
#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/models/projectlistmodel.h"
#include "client/thumbnails/thumbnailcache.h"
#include "galleryfixture.h"
#include "synthfeed.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/thumbnailbinder.h"

#include <QItemSelectionModel>
#include <QJsonArray>
#include <QPointer>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace vesper;
using namespace vesper::test;

class TestGalleryPlace : public QObject {
    Q_OBJECT

private:
    struct Place {
        QString id;
        int top = 0;
    };

    static Place placeOf(ui::SessionGalleryView &view, const QString &id)
    {
        const int row = view.model()->rowOf(id);
        if (row < 0)
            return {id, INT_MIN};
        return {id, view.grid()->visualRect(view.model()->index(row, 0)).top()};
    }

    static bool isSelected(ui::SessionGalleryView &view, const QString &id)
    {
        const int row = view.model()->rowOf(id);
        return row >= 0 && view.grid()->selectionModel()->isSelected(view.model()->index(row, 0)) && view.currentGenerationId() == id;
    }

private Q_SLOTS:
    void gridKeepsItsPlace()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        const QList<Generation> generations = fx.addGenerations(session, 2000, 10'000);

        PngServer png;
        client::ThumbnailCache thumbnails(png.function());
        ui::SessionGalleryView view(&fx.ctx());
        view.setThumbnailCache(&thumbnails);
        view.resize(900, 700);
        view.setSession(session.id);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        while (view.model()->canFetchMore({}))
            view.model()->fetchMore({});
        QCOMPARE(view.model()->rowCount(), 2000);

        // The middle, one card selected, not at the top of the viewport.
        const QString selected = generations.at(1000).id;
        view.selectGeneration(selected);
        view.grid()->scrollTo(view.model()->index(view.model()->rowOf(selected), 0), QAbstractItemView::PositionAtCenter);
        QCoreApplication::processEvents();
        const Place before = placeOf(view, selected);
        QVERIFY2(before.top > 0 && before.top < view.grid()->viewport()->height(), qPrintable(QString::number(before.top)));
        QVERIFY(view.grid()->verticalScrollBar()->value() > 0);
        QVERIFY(isSelected(view, selected));
        QVERIFY(!view.grid()->isPillVisible());
        const int rowBefore = view.model()->rowOf(selected);

        // (a) Five new generations arrive at the top.
        fx.addGenerations(session, 5, 50'000);
        QCOMPARE(view.model()->rowCount(), 2005);
        QCOMPARE(view.model()->rowOf(selected), rowBefore + 5);
        QVERIFY2(qAbs(placeOf(view, selected).top - before.top) <= 1,
                 qPrintable(QStringLiteral("%1 vs %2").arg(placeOf(view, selected).top).arg(before.top)));
        QVERIFY(isSelected(view, selected));
        QVERIFY(view.grid()->isPillVisible());

        // (b) A generation above is deleted.
        QVERIFY(fx.apply({deleteChange(fx.nextRev(), QStringLiteral("generation"), generations.at(1990).id)}));
        QCOMPARE(view.model()->rowCount(), 2004);
        QCOMPARE(view.model()->rowOf(selected), rowBefore + 4);
        QVERIFY2(qAbs(placeOf(view, selected).top - before.top) <= 1,
                 qPrintable(QStringLiteral("%1 vs %2").arg(placeOf(view, selected).top).arg(before.top)));
        QVERIFY(isSelected(view, selected));

        // (c) The selected generation itself changes.
        Generation changed = generations.at(1000);
        changed.outputs.reset();
        changed.prompt = QStringLiteral("a lighthouse at dawn");
        QVERIFY(fx.addGeneration(changed));
        QCOMPARE(view.model()->data(view.model()->index(view.model()->rowOf(selected), 0), client::GenerationListModel::PromptRole).toString(),
                 changed.prompt);
        QVERIFY(qAbs(placeOf(view, selected).top - before.top) <= 1);
        QVERIFY(isSelected(view, selected));

        // The pill scrolls to the top and goes away.
        QTest::mouseClick(view.grid()->findChild<QToolButton *>(), Qt::LeftButton);
        QCOMPARE(view.grid()->verticalScrollBar()->value(), 0);
        QVERIFY(!view.grid()->isPillVisible());

        // At the top, new rows simply appear: the view stays at the top and shows no pill.
        fx.addGenerations(session, 2, 60'000);
        QCOMPARE(view.grid()->verticalScrollBar()->value(), 0);
        QVERIFY(!view.grid()->isPillVisible());
        QCOMPARE(view.model()->rowCount(), 2006);
    }

    // The live workspace replacing the cached one (and every reconnect) reads the same cache file:
    // the gallery keeps its model, rows, selection and scroll place, and later changes still arrive.
    // A workspace over another cache rebuilds the model.
    void workspaceOverTheSameCacheKeepsThePlace()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        const QList<Generation> generations = fx.addGenerations(session, 600, 10'000);

        PngServer png;
        client::ThumbnailCache thumbnails(png.function());
        ui::SessionGalleryView view(&fx.ctx());
        view.setThumbnailCache(&thumbnails);
        view.resize(900, 700);
        view.setSession(session.id);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        while (view.model()->canFetchMore({}))
            view.model()->fetchMore({});
        const QString selected = generations.at(300).id;
        view.selectGeneration(selected);
        view.grid()->scrollTo(view.model()->index(view.model()->rowOf(selected), 0), QAbstractItemView::PositionAtCenter);
        QCoreApplication::processEvents();
        const Place before = placeOf(view, selected);
        const int scrolled = view.grid()->verticalScrollBar()->value();
        QVERIFY(scrolled > 0);

        QPointer<client::GenerationListModel> model = view.model();
        QSignalSpy resets(model, &QAbstractItemModel::modelReset);
        std::unique_ptr<client::Workspace> twin = fx.openTwin();
        QVERIFY(twin);
        fx.ctx().setWorkspace(twin.get(), false, true);
        QCoreApplication::processEvents();
        QCOMPARE(view.model(), model.data());
        QCOMPARE(resets.count(), 0);
        QCOMPARE(view.grid()->verticalScrollBar()->value(), scrolled);
        QCOMPARE(placeOf(view, selected).top, before.top);
        QVERIFY(isSelected(view, selected));

        // Rows read through the twin: three new generations (written by the other store) show.
        fx.addGenerations(session, 3, 90'000);
        QCOMPARE(view.model()->rowCount(), 603);
        QVERIFY(isSelected(view, selected));

        // Another cache (sameCache false): a new model, and the old twin can go.
        fx.ctx().setWorkspace(&fx.workspace(), false);
        QVERIFY(view.model() != nullptr);
        QVERIFY(model.isNull()); // the old model was deleted, a new one built
        twin.reset();
        QVERIFY(view.model()->rowCount() > 0);
    }

    // Searching and clearing the search brings the session back where the user was: the same card
    // current and at the same offset in the viewport (not the top of the session).
    void searchThenClearKeepsThePlace()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        const QList<Generation> generations = fx.addGenerations(session, 600, 10'000);

        PngServer png;
        client::ThumbnailCache thumbnails(png.function());
        ui::SessionGalleryView view(&fx.ctx());
        view.setThumbnailCache(&thumbnails);
        view.resize(900, 700);
        view.setSession(session.id);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        while (view.model()->canFetchMore({}))
            view.model()->fetchMore({});
        const QString selected = generations.at(300).id;
        view.selectGeneration(selected);
        view.grid()->scrollTo(view.model()->index(view.model()->rowOf(selected), 0), QAbstractItemView::PositionAtCenter);
        QCoreApplication::processEvents();
        const Place before = placeOf(view, selected);
        QVERIFY(view.grid()->verticalScrollBar()->value() > 0);

        view.showSearch(QStringLiteral("study 42"));
        QVERIFY(view.model()->rowCount() < 600);
        view.showSearch(QString());
        QCOMPARE(view.sessionId(), session.id);
        QVERIFY(isSelected(view, selected));
        const Place after = placeOf(view, selected);
        QVERIFY2(qAbs(after.top - before.top) <= 1, qPrintable(QStringLiteral("%1 vs %2").arg(after.top).arg(before.top)));

        // The same text again is no new search (the window's debounced empty text after a session
        // switch must not reset the gallery).
        QSignalSpy resets(view.model(), &QAbstractItemModel::modelReset);
        view.showSearch(QString());
        QCOMPARE(resets.count(), 0);
    }

    // The project grid scrolled down with a project selected: a project near the top is updated by a
    // sync and moves to the top (newest first); the selected card stays where it was on screen.
    void projectGridKeepsItsPlaceWhenAProjectMoves()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        QList<Project> projects;
        QJsonArray page;
        for (int i = 0; i < 300; ++i) {
            Project p = synthProject(QStringLiteral("Project %1").arg(i), 1000 + i);
            projects << p;
            page << upsertChange(fx.nextRev(), QStringLiteral("project"), p.toJson());
        }
        QVERIFY(fx.apply(page));

        PngServer png;
        client::ThumbnailCache thumbnails(png.function());
        ui::ProjectGalleryView view(&fx.ctx());
        view.setThumbnailCache(&thumbnails);
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        while (view.model()->canFetchMore({}))
            view.model()->fetchMore({});
        QCOMPARE(view.model()->rowCount(), 300);
        const auto topOf = [&view](const QString &id) {
            const int row = view.model()->rowOf(id);
            return row < 0 ? INT_MIN : view.grid()->visualRect(view.model()->index(row, 0)).top();
        };

        // The selected card in the last column: a row moving from below it to the top pushes it to the
        // next line of the grid unless the view follows.
        const int columns = view.grid()->viewport()->width() / view.grid()->gridSize().width();
        QVERIFY(columns >= 2);
        const int rowBefore = 150 + (columns - 1 - 150 % columns);
        const QString selected = view.model()->index(rowBefore, 0).data(client::ProjectListModel::IdRole).toString();
        view.selectProject(selected);
        view.grid()->scrollTo(view.model()->index(rowBefore, 0), QAbstractItemView::PositionAtCenter);
        QCoreApplication::processEvents();
        const int before = topOf(selected);
        QVERIFY(view.grid()->verticalScrollBar()->value() > 0);
        QVERIFY(before > 0 && before < view.grid()->viewport()->height());

        // A project below the selected one (older) is renamed: it moves above it, to the top.
        Project moved = projects.at(20);
        moved.name = QStringLiteral("Renamed");
        moved.updatedAt = 90'000;
        QVERIFY(fx.apply({upsertChange(fx.nextRev(), QStringLiteral("project"), moved.toJson())}));
        QCOMPARE(view.model()->rowOf(moved.id), 0);
        QCOMPARE(view.model()->rowOf(selected), rowBefore + 1);
        QVERIFY2(qAbs(topOf(selected) - before) <= 1, qPrintable(QStringLiteral("%1 vs %2").arg(topOf(selected)).arg(before)));
        QCOMPARE(view.currentProjectId(), selected);

        // The selected project itself is updated and moves to the top: the view does not follow it
        // there; it stays among the cards the user was looking at.
        const int scrolled = view.grid()->verticalScrollBar()->value();
        Project self = *fx.workspace().cache().project(selected);
        self.updatedAt = 95'000;
        self.name = QStringLiteral("Renamed too");
        QVERIFY(fx.apply({upsertChange(fx.nextRev(), QStringLiteral("project"), self.toJson())}));
        QCOMPARE(view.model()->rowOf(selected), 0);
        QVERIFY2(qAbs(view.grid()->verticalScrollBar()->value() - scrolled) <= view.grid()->gridSize().height(),
                 qPrintable(QStringLiteral("%1 vs %2").arg(view.grid()->verticalScrollBar()->value()).arg(scrolled)));
    }

    void binderRequestsOnlyVisibleOutputs()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        fx.addGenerations(session, 600, 10'000);

        PngServer png;
        png.closeGate(); // the first fetch blocks: the rest wait in the queue
        client::ThumbnailCacheOptions options;
        options.maxConcurrentLoads = 1;
        client::ThumbnailCache thumbnails(png.function(), options);
        ui::SessionGalleryView view(&fx.ctx());
        view.resize(900, 700);
        view.setSession(session.id);
        QSignalSpy bound(view.binder(), &ui::ThumbnailBinder::bound);
        view.setThumbnailCache(&thumbnails);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QTRY_VERIFY(!bound.isEmpty() && bound.last().at(0).toInt() > 0);

        const QStringList firstScreen = view.binder()->visibleOutputIds();
        const int first = view.binder()->firstVisibleRow();
        const int last = view.binder()->lastVisibleRow();
        QCOMPARE(first, 0);
        QVERIFY2(last > 0 && last < 40, qPrintable(QString::number(last))); // a screenful, not 600 rows
        QCOMPARE(firstScreen.size(), last - first + 1);
        QCOMPARE(bound.last().at(0).toInt(), firstScreen.size());
        QCOMPARE(thumbnails.pendingCount() + thumbnails.inFlightCount(), firstScreen.size());

        // Scroll far down: the first screen's waiting requests are dropped, the new screen's queued.
        bound.clear();
        view.grid()->verticalScrollBar()->setValue(view.grid()->verticalScrollBar()->maximum() / 2);
        QTRY_VERIFY(!bound.isEmpty());
        const QStringList secondScreen = view.binder()->visibleOutputIds();
        QVERIFY(!secondScreen.isEmpty());
        for (const QString &id : secondScreen)
            QVERIFY(!firstScreen.contains(id));
        QVERIFY2(thumbnails.pendingCount() <= secondScreen.size(),
                 qPrintable(QStringLiteral("%1 pending for %2 on screen").arg(thumbnails.pendingCount()).arg(secondScreen.size())));

        png.openGate();
        QTRY_VERIFY(thumbnails.pendingCount() == 0 && thumbnails.inFlightCount() == 0);
        const QStringList calls = png.calls();
        int fromFirstScreen = 0;
        for (const QString &id : calls) {
            QVERIFY2(firstScreen.contains(id) || secondScreen.contains(id), "fetched an output never on screen");
            fromFirstScreen += firstScreen.contains(id) ? 1 : 0;
        }
        QVERIFY2(fromFirstScreen <= options.maxConcurrentLoads, qPrintable(QString::number(fromFirstScreen)));
        for (const QString &id : secondScreen)
            QVERIFY(calls.contains(id));
        QCOMPARE(calls.size(), fromFirstScreen + secondScreen.size());
        for (const QString &id : secondScreen)
            QVERIFY(!thumbnails.cached(id).isNull());
    }
};

QTEST_MAIN(TestGalleryPlace)
#include "tst_gallery_place.moc"
