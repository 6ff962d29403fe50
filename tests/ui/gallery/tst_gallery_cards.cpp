// The gallery's cards and pages on a real cache: empty states that teach, project cards with their
// marks and owner-only actions, generation cards in every state (screenshots in a light and a dark
// palette land in /tmp for a look), Retry on a failed card queuing the same prompt again, and Space's
// quick look: the picture large over the grid, following the arrow keys, closed by Space or Esc.
#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/models/projectlistmodel.h"
#include "client/sync/outbox.h"
#include "client/thumbnails/thumbnailcache.h"
#include "galleryfixture.h"
#include "synthfeed.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/generationcarddelegate.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/quicklook.h"
#include "ui/gallery/sessiongalleryview.h"
#include "ui/gallery/sessionpanel.h"

#include <QAction>
#include <QApplication>
#include <QListView>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTest>

using namespace vesper;
using namespace vesper::test;

namespace {
QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x1f, 0x20, 0x23));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x17, 0x18, 0x1a));
    p.setColor(QPalette::AlternateBase, QColor(0x24, 0x25, 0x28));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9d, 0xa3));
    p.setColor(QPalette::Button, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Mid, QColor(0x44, 0x46, 0x4b));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8f, 0xd1));
    p.setColor(QPalette::HighlightedText, Qt::white);
    return p;
}

Generation withOutputs(Generation g, int count, qint64 at)
{
    QList<Output> outputs;
    for (int i = 0; i < count; ++i)
        outputs << synthOutput(g, at);
    g.outputs = outputs;
    return g;
}
} // namespace

class TestGalleryCards : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion"))); }

    void emptyStatesTeach()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        ui::ProjectGalleryView projects(&fx.ctx());
        QCOMPARE(projects.model()->rowCount(), 0);
        QVERIFY(projects.grid()->emptyHint().contains(QStringLiteral("Ctrl+Shift+N")));
        const Session session = fx.addProjectAndSession();
        QCOMPARE(projects.model()->rowCount(), 1); // arrived through cacheChanged, no reload
        ui::SessionGalleryView gallery(&fx.ctx());
        gallery.setSession(session.id);
        QCOMPARE(gallery.model()->rowCount(), 0);
        QVERIFY(gallery.grid()->emptyHint().contains(QStringLiteral("Ctrl+Enter")));
        gallery.showSearch(QStringLiteral("zebra"));
        QVERIFY(gallery.grid()->emptyTitle().contains(QStringLiteral("zebra")));
        gallery.resize(700, 400);
        gallery.show();
        QVERIFY(QTest::qWaitForWindowExposed(&gallery));
        gallery.showSearch({});
        gallery.grab().save(QStringLiteral("/tmp/gallery-empty.png"));
    }

    void projectCardsAndActions()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session mine = fx.addProjectAndSession(QStringLiteral("Posters"), true);
        fx.addGenerations(mine, 3, 5000);
        Project theirs = synthProject(QStringLiteral("Someone else's moodboard"), 2000);
        theirs.role = MemberRole::Viewer;
        theirs.owner.displayName = QStringLiteral("Ada");
        QVERIFY(fx.apply({upsertChange(fx.nextRev(), QStringLiteral("project"), theirs.toJson())}));

        PngServer png;
        client::ThumbnailCache thumbnails(png.function());
        ui::ProjectGalleryView view(&fx.ctx());
        view.setThumbnailCache(&thumbnails);
        QSignalSpy activated(&view, &ui::ProjectGalleryView::projectActivated);
        view.resize(760, 420);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.model()->rowCount(), 2);

        const QList<QAction *> actions = view.actions();
        QCOMPARE(actions.size(), 5);
        QCOMPARE(actions.at(0)->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
        QVERIFY(actions.at(0)->toolTip().contains(actions.at(0)->shortcut().toString(QKeySequence::NativeText)));
        QCOMPARE(actions.at(1)->shortcut(), QKeySequence(Qt::Key_F2));

        view.selectProject(theirs.id);
        QCOMPARE(view.currentProjectId(), theirs.id);
        QVERIFY(!actions.at(3)->isEnabled()); // Members…: owner only
        QVERIFY(!actions.at(4)->isEnabled()); // Delete: owner only
        view.selectProject(mine.projectId);
        QVERIFY(actions.at(2)->isEnabled() && actions.at(2)->isChecked()); // shared, and ours
        QVERIFY(actions.at(3)->isEnabled());

        // Enter opens the current project.
        QTest::keyClick(view.grid(), Qt::Key_Return);
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.first().at(0).toString(), mine.projectId);

        // Share off is queued in the outbox with the rev the user saw.
        actions.at(2)->trigger();
        const QList<client::OutboxEntry> pending = fx.workspace().outbox().pending();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.first().kind, QStringLiteral("project.update"));
        QCOMPARE(pending.first().path, QStringLiteral("/api/projects/") + mine.projectId);
        QVERIFY2(pending.first().body.contains("\"isShared\":false"), pending.first().body.constData());

        QTest::qWait(300); // thumbnails
        view.grab().save(QStringLiteral("/tmp/gallery-projects-light.png"));
    }

    void generationCardsInEveryState()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        qint64 at = 1000;
        const auto next = [&](const QString &prompt) { return synthGeneration(session.id, prompt, ++at); };
        QVERIFY(fx.addGeneration(withOutputs(next(QStringLiteral("a red fox in fresh snow, telephoto")), 1, at)));
        Generation wide = next(QStringLiteral("harbour at night, four variations"));
        wide.parameters.insert(QStringLiteral("aspectRatio"), QStringLiteral("16:9"));
        wide.parameters.insert(QStringLiteral("numOutputs"), 4);
        wide = withOutputs(wide, 4, at);
        QVERIFY(fx.addGeneration(wide));
        Generation failed = next(QStringLiteral("a cathedral made of glass"));
        failed.status = GenerationStatus::Failed;
        failed.error = GenerationError{QStringLiteral("PROVIDER_ERROR"), QStringLiteral("The provider refused the prompt (safety filter).")};
        QVERIFY(fx.addGeneration(failed));
        Generation cancelled = next(QStringLiteral("old map of an island"));
        cancelled.status = GenerationStatus::Cancelled;
        QVERIFY(fx.addGeneration(cancelled));
        Generation running = next(QStringLiteral("portrait of an astronaut, film grain"));
        running.status = GenerationStatus::Processing;
        running.progress = 40;
        running.progressIsEstimate = true;
        running.parameters.insert(QStringLiteral("aspectRatio"), QStringLiteral("3:4"));
        QVERIFY(fx.addGeneration(running));
        Generation offline = next(QStringLiteral("sketch of a bicycle, waiting for the network"));
        offline.status = GenerationStatus::Queued;
        offline.progress = 0;
        offline.clientId = offline.id;
        QString error;
        client::CacheChanges changed;
        QVERIFY2(fx.workspace().cache().storePending(QStringLiteral("generation"), offline.toJson(), &changed, &error), qPrintable(error));
        Q_EMIT fx.ctx().cacheChanged(changed);

        PngServer png;
        client::ThumbnailCache thumbnails(png.function());
        ui::SessionGalleryView view(&fx.ctx());
        view.setThumbnailCache(&thumbnails);
        view.setSession(session.id);
        view.setThumbnailSize(180);
        view.resize(3 * 196 + 20, 2 * (196 + 30) + 10);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.model()->rowCount(), 6);
        QTRY_VERIFY(!thumbnails.cached(wide.outputs->at(3).id).isNull());
        QTest::qWait(50);
        view.grid()->setCurrentIndex(view.model()->index(view.model()->rowOf(wide.id), 0));

        const QImage light = view.grab().toImage();
        light.save(QStringLiteral("/tmp/gallery-cards-light.png"));
        // The fox's picture is painted: its card's centre is not the placeholder grey.
        const int foxRow = view.model()->rowCount() - 1; // oldest last
        const QPoint foxCentre = view.grid()->viewport()->mapTo(&view, view.grid()->visualRect(view.model()->index(foxRow, 0)).center());
        const QColor picture = light.pixelColor(foxCentre);
        QVERIFY2(qAbs(picture.saturation()) > 40, qPrintable(picture.name())); // the gradient, not the grey

        view.setPalette(darkPalette());
        view.grid()->viewport()->update();
        QTest::qWait(20);
        const QImage dark = view.grab().toImage();
        dark.save(QStringLiteral("/tmp/gallery-cards-dark.png"));
        QVERIFY(dark.pixelColor(5, 5).lightness() < 60); // the grid follows the palette's Base
        QVERIFY(light.pixelColor(5, 5).lightness() > 180);
    }

    void spaceShowsAQuickLook()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        qint64 at = 1000;
        QList<Generation> made;
        for (const char *prompt : {"a lighthouse in fog", "a fox in snow", "a glass cathedral"}) {
            made << withOutputs(synthGeneration(session.id, QString::fromLatin1(prompt), ++at), 1, at);
            QVERIFY(fx.addGeneration(made.last()));
        }
        Generation running = synthGeneration(session.id, QStringLiteral("still running"), ++at);
        running.status = GenerationStatus::Processing;
        QVERIFY(fx.addGeneration(running));

        PngServer png;
        client::ThumbnailCache thumbnails(png.function());
        ui::SessionGalleryView view(&fx.ctx());
        view.setThumbnailCache(&thumbnails);
        view.setSession(session.id);
        view.resize(900, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.model()->rowCount(), 4);
        ui::QuickLook *look = view.quickLook();
        QVERIFY(look->isHidden());

        // Space on a card: its picture, large, the full image once it is in.
        const int foxRow = view.model()->rowOf(made.at(1).id);
        view.grid()->setCurrentIndex(view.model()->index(foxRow, 0));
        view.grid()->setFocus();
        QTest::keyClick(view.grid(), Qt::Key_Space);
        QVERIFY(look->isVisible());
        QCOMPARE(look->outputId(), made.at(1).outputs->first().id);
        QTRY_VERIFY(look->showsFullImage());
        QTRY_VERIFY(look->hasFocus());
        const QImage shot = view.grab().toImage();
        shot.save(QStringLiteral("/tmp/gallery-quicklook.png"));
        QVERIFY2(shot.pixelColor(shot.width() / 2, shot.height() / 2).saturation() > 40, "the picture is in the middle");
        QVERIFY(shot.pixelColor(3, 3).lightness() < 60); // the gallery darkened behind it

        // An arrow moves the grid's current card, and the look follows it.
        const int nextRow = foxRow + 1; // the card to its right (newest first)
        QTest::keyClick(look, Qt::Key_Right);
        QCOMPARE(view.grid()->currentIndex().row(), nextRow);
        QCOMPARE(look->outputId(), view.model()->index(nextRow, 0).data(client::GenerationListModel::FirstOutputIdRole).toString());
        QVERIFY(look->isVisible());

        // Space closes it and the grid has the keys again; Esc does too.
        QTest::keyClick(look, Qt::Key_Space);
        QVERIFY(look->isHidden());
        QTRY_VERIFY(view.grid()->hasFocus());
        QTest::keyClick(view.grid(), Qt::Key_Space);
        QVERIFY(look->isVisible());
        QTest::keyClick(look, Qt::Key_Escape);
        QVERIFY(look->isHidden());

        // A card with no picture yet says so rather than showing another card's.
        view.grid()->setCurrentIndex(view.model()->index(view.model()->rowOf(running.id), 0));
        QTest::keyClick(view.grid(), Qt::Key_Space);
        QVERIFY(look->isVisible());
        QVERIFY(look->outputId().isEmpty());
        QVERIFY(look->image().isNull());
    }

    void retryQueuesTheSameParameters()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession();
        Generation failed = synthGeneration(session.id, QStringLiteral("a cathedral made of glass"), 100);
        failed.status = GenerationStatus::Failed;
        failed.parameters.insert(QStringLiteral("seed"), 1234);
        failed.error = GenerationError{QStringLiteral("PROVIDER_ERROR"), QStringLiteral("Timed out")};
        QVERIFY(fx.addGeneration(failed));

        ui::SessionGalleryView view(&fx.ctx());
        view.setSession(session.id);
        view.resize(500, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QCOMPARE(view.model()->rowCount(), 1);
        const QModelIndex card = view.model()->index(0, 0);
        auto *delegate = qobject_cast<ui::GenerationCardDelegate *>(view.grid()->itemDelegate());
        QVERIFY(delegate);
        QStyleOptionViewItem option;
        option.initFrom(view.grid()->viewport());
        option.rect = view.grid()->visualRect(card);
        option.font = view.grid()->font();
        const QRect button = delegate->buttonRect(option, card);
        QVERIFY(!button.isEmpty());
        QTest::mouseClick(view.grid()->viewport(), Qt::LeftButton, {}, button.center());

        QTRY_COMPARE(view.model()->rowCount(), 2);
        const QModelIndex retry = view.model()->index(0, 0);
        QVERIFY(retry.data(client::GenerationListModel::IdRole).toString() != failed.id);
        QCOMPARE(retry.data(client::GenerationListModel::PromptRole).toString(), failed.prompt);
        QCOMPARE(retry.data(client::GenerationListModel::SeedRole).toLongLong(), 1234);
        QVERIFY(retry.data(client::GenerationListModel::IsPendingRole).toBool());
        // A plain click elsewhere on the card selects it and does not retry.
        QTest::mouseClick(view.grid()->viewport(), Qt::LeftButton, {}, view.grid()->visualRect(view.model()->index(1, 0)).center());
        QCOMPARE(view.model()->rowCount(), 2);
        QCOMPARE(view.currentGenerationId(), failed.id);
    }
};

QTEST_MAIN(TestGalleryCards)
#include "tst_gallery_cards.moc"
