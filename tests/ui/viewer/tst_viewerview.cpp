// ViewerView over a real cache (a Workspace whose server is unreachable, fed a synthetic feed page):
// Right/Left walk every output of the model in order across generations, R / Shift+R hand the shown
// generation out, Delete hides the output and moves on with an undo toast, Ctrl+Z brings it back, and
// only after the grace period is the delete queued in the outbox; S queues a star; Esc closes. Copy
// and drag-out never hand out the thumbnail for the picture: they wait for (or ask for) the full image.
#include "synthfeed.h"

#include "client/cache/cachestore.h"
#include "client/models/generationlistmodel.h"
#include "client/sync/outbox.h"
#include "client/thumbnails/thumbnailcache.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/viewer/deferreddeletes.h"
#include "ui/viewer/imagecanvas.h"
#include "ui/viewer/metadatapanel.h"
#include "ui/viewer/undotoast.h"
#include "ui/viewer/viewerview.h"

#include <QAction>
#include <QBuffer>
#include <QClipboard>
#include <QGuiApplication>
#include <QImage>
#include <QJsonArray>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace vesper;
using namespace vesper::client;
using namespace vesper::ui;
using namespace vesper::test;

namespace {
int countOutbox(Outbox &outbox, const QString &kind, const QString &id)
{
    int n = 0;
    for (const OutboxEntry &e : outbox.pending())
        n += e.kind == kind && e.path.endsWith(id) ? 1 : 0;
    return n;
}
/// PNG bytes of a plain picture of size.
QByteArray pngOf(const QSize &size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(QColor(40, 120, 200));
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}
} // namespace

class TestViewerView : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_ws;
    UiContext m_ctx;
    QString m_sessionId;
    QList<Generation> m_made;   // oldest first
    QStringList m_walk;         // every output id in the order the viewer should show them

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        WorkspaceOptions options;
        options.serverUrl = QStringLiteral("http://127.0.0.1:9"); // nothing listens: writes stay queued
        options.accountKey = options.serverUrl;
        options.fixedToken = QStringLiteral("token");
        options.fixedUserId = QStringLiteral("00000000-0000-7000-8000-000000000001");
        options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
        options.configDir = m_dir.filePath(QStringLiteral("config"));
        options.backgroundSync = false;
        options.diskThumbnails = false;
        m_ws = std::make_unique<Workspace>(options);
        QVERIFY(m_ws->open().ok());
        m_ctx.setWorkspace(m_ws.get(), false);

        const Project p = synthProject(QStringLiteral("Viewer"), 1);
        const Session s = synthSession(p.id, QStringLiteral("S"), 1);
        m_sessionId = s.id;
        qint64 rev = 2;
        QJsonArray page{upsertChange(1, QStringLiteral("project"), p.toJson()),
                        upsertChange(2, QStringLiteral("session"), s.toJson())};
        for (int i = 0; i < 3; ++i) {
            Generation g = synthGeneration(s.id, QStringLiteral("lighthouse number %1").arg(i), 1000 * (i + 1));
            const Output a = synthOutput(g, g.createdAt + 1);
            const Output b = synthOutput(g, g.createdAt + 2);
            page << upsertChange(rev + 1, QStringLiteral("generation"), g.toJson())
                 << upsertChange(rev + 2, QStringLiteral("output"), a.toJson())
                 << upsertChange(rev + 3, QStringLiteral("output"), b.toJson());
            rev += 3;
            g.outputs = QList<Output>{a, b};
            m_made << g;
        }
        CacheChanges changed;
        QString error;
        QVERIFY2(m_ws->cache().applyChangesPage(page, QStringLiteral("100"), &changed, &error), qPrintable(error));
        for (int i = 2; i >= 0; --i) // newest generation first, outputs in order
            m_walk << m_made.at(i).outputs->at(0).id << m_made.at(i).outputs->at(1).id;
    }

    void walksOutputsInOrder()
    {
        GenerationListModel model(m_ws->cache());
        model.showSession(m_sessionId);
        QCOMPARE(model.rowCount(), 3);
        ViewerView view(&m_ctx);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.open(&model, m_made.at(2).id, m_walk.first());
        QCOMPARE(view.currentOutputId(), m_walk.at(0));
        QCOMPARE(view.metadata()->field(QStringLiteral("prompt")), m_made.at(2).prompt);
        for (int i = 1; i < m_walk.size(); ++i) {
            QTest::keyClick(view.canvas(), Qt::Key_Right);
            QCOMPARE(view.currentOutputId(), m_walk.at(i));
        }
        QCOMPARE(view.currentGenerationId(), m_made.at(0).id);
        QTest::keyClick(view.canvas(), Qt::Key_Right); // the end: stays
        QCOMPARE(view.currentOutputId(), m_walk.last());
        QVERIFY(!view.action(QStringLiteral("next"))->isEnabled());
        for (int i = m_walk.size() - 2; i >= 0; --i) {
            QTest::keyClick(view.canvas(), Qt::Key_Left);
            QCOMPARE(view.currentOutputId(), m_walk.at(i));
        }
        QVERIFY(!view.action(QStringLiteral("previous"))->isEnabled());
    }

    void reuseHandsOutTheShownGeneration()
    {
        GenerationListModel model(m_ws->cache());
        model.showSession(m_sessionId);
        ViewerView view(&m_ctx);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.open(&model, m_made.at(1).id, m_walk.at(3));
        QSignalSpy prompt(&view, &ViewerView::reusePrompt);
        QSignalSpy all(&view, &ViewerView::reuseAll);
        QSignalSpy reference(&view, &ViewerView::useAsReference);
        QTest::keyClick(view.canvas(), Qt::Key_R);
        QCOMPARE(prompt.size(), 1);
        QCOMPARE(prompt.first().first().value<Generation>().id, m_made.at(1).id);
        QCOMPARE(prompt.first().first().value<Generation>().prompt, m_made.at(1).prompt);
        QCOMPARE(all.size(), 0);
        QTest::keyClick(view.canvas(), Qt::Key_R, Qt::ShiftModifier);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().first().value<Generation>().id, m_made.at(1).id);
        view.action(QStringLiteral("useAsReference"))->trigger();
        QCOMPARE(reference.size(), 1);
        QCOMPARE(reference.first().first().toString(), m_walk.at(3));
        // Every action with a shortcut names it in its tooltip.
        for (QAction *action : view.actions()) {
            if (!action->shortcut().isEmpty())
                QVERIFY2(action->toolTip().contains(action->shortcut().toString(QKeySequence::NativeText)), qPrintable(action->toolTip()));
        }
        QSignalSpy closed(&view, &ViewerView::closed);
        QTest::keyClick(view.canvas(), Qt::Key_Escape);
        QCOMPARE(closed.size(), 1);
    }

    void deleteHidesAdvancesAndUndoRestores()
    {
        GenerationListModel model(m_ws->cache());
        model.showSession(m_sessionId);
        ViewerView view(&m_ctx);
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.deferredDeletes()->setGracePeriodMs(400);
        view.open(&model, m_made.at(1).id, m_walk.at(2));
        Outbox &outbox = m_ws->outbox();

        QTest::keyClick(view.canvas(), Qt::Key_Delete);
        QCOMPARE(view.currentOutputId(), m_walk.at(3)); // moved on
        QVERIFY(view.toast()->text().startsWith(QStringLiteral("Deleted")));
        QTest::keyClick(view.canvas(), Qt::Key_Left); // the deleted one is skipped
        QCOMPARE(view.currentOutputId(), m_walk.at(1));
        QTest::keyClick(view.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(view.currentOutputId(), m_walk.at(2)); // back, and shown
        QVERIFY(view.toast()->text().isEmpty());
        QTest::keyClick(view.canvas(), Qt::Key_Left);
        QCOMPARE(view.currentOutputId(), m_walk.at(1));
        QTest::keyClick(view.canvas(), Qt::Key_Right);
        QCOMPARE(view.currentOutputId(), m_walk.at(2));
        QTest::qWait(600);
        QCOMPARE(countOutbox(outbox, QStringLiteral("output.delete"), m_walk.at(2)), 0); // undone: never sent

        // The last one of all: the viewer steps back instead; the delete is queued after the period.
        view.open(&model, m_made.at(0).id, m_walk.last());
        QTest::keyClick(view.canvas(), Qt::Key_Delete);
        QCOMPARE(view.currentOutputId(), m_walk.at(4));
        QCOMPARE(countOutbox(outbox, QStringLiteral("output.delete"), m_walk.last()), 0);
        QTRY_COMPARE_WITH_TIMEOUT(countOutbox(outbox, QStringLiteral("output.delete"), m_walk.last()), 1, 3000);
        QTest::keyClick(view.canvas(), Qt::Key_Z, Qt::ControlModifier); // too late: nothing to undo
        QCOMPARE(view.currentOutputId(), m_walk.at(4));
        QTest::keyClick(view.canvas(), Qt::Key_Right); // still hidden
        QCOMPARE(view.currentOutputId(), m_walk.at(4));

        // S queues a star for the shown output.
        QTest::keyClick(view.canvas(), Qt::Key_S);
        QCOMPARE(countOutbox(outbox, QStringLiteral("output.star"), m_walk.at(4)), 1);
        QVERIFY(view.action(QStringLiteral("star"))->isChecked()); // shown at once, before any sync
        view.grab().save(QStringLiteral("/tmp/promptviewer-viewer-offline.png"));
    }

    // Copy before the full image is in: nothing (least of all the thumbnail) goes to the clipboard and
    // the message says the copy waits; when the full image arrives it is copied, at its full size.
    // Drag-out before the full image starts no drag with the thumbnail: it says to try again.
    void copyAndDragOutWaitForTheFullImage()
    {
        std::atomic<bool> fullOpen{false};
        client::ThumbnailCache thumbnails([&fullOpen](const QString &, const QString &variant) {
            client::ThumbnailFetch fetch;
            if (variant == QLatin1String("full")) {
                while (!fullOpen.load())
                    QThread::msleep(2);
                fetch.bytes = pngOf(QSize(800, 600));
            } else {
                fetch.bytes = pngOf(QSize(80, 60));
            }
            return fetch;
        });
        const auto release = qScopeGuard([&fullOpen] { fullOpen = true; }); // a failed check must not leave a fetch blocked
        GenerationListModel model(m_ws->cache());
        model.showSession(m_sessionId);
        ViewerView view(&m_ctx);
        view.setThumbnailCache(&thumbnails);
        view.resize(1000, 700);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QSignalSpy messages(&m_ctx, &UiContext::message);
        view.open(&model, m_made.at(2).id, m_walk.first());
        QTRY_VERIFY(!view.canvas()->image().isNull()); // the thumbnail stands in
        QCOMPARE(view.canvas()->image().size(), QSize(80, 60));

        QGuiApplication::clipboard()->clear();
        view.action(QStringLiteral("copy"))->trigger();
        QVERIFY(QGuiApplication::clipboard()->image().isNull());
        QVERIFY(!messages.isEmpty());
        QVERIFY2(!messages.last().at(1).toString().contains(QStringLiteral("Image copied")), qPrintable(messages.last().at(1).toString()));

        // Drag-out now would drop the thumbnail as the file: it is refused with a reason instead.
        messages.clear();
        Q_EMIT view.canvas()->dragOutRequested();
        QCOMPARE(messages.size(), 1);
        QVERIFY2(messages.last().at(1).toString().contains(QStringLiteral("still loading")), qPrintable(messages.last().at(1).toString()));

        messages.clear();
        fullOpen = true;
        QTRY_VERIFY(!QGuiApplication::clipboard()->image().isNull());
        QCOMPARE(QGuiApplication::clipboard()->image().size(), QSize(800, 600));
        QVERIFY(!messages.isEmpty());
        QCOMPARE(messages.last().at(1).toString(), QStringLiteral("Image copied."));

        // With the full image in, Copy is immediate.
        QGuiApplication::clipboard()->clear();
        view.action(QStringLiteral("copy"))->trigger();
        QCOMPARE(QGuiApplication::clipboard()->image().size(), QSize(800, 600));
    }
};

QTEST_MAIN(TestViewerView)
#include "tst_viewerview.moc"
