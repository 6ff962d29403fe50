// The assistant drawer in the main window on a real embedded backend (issue 12, "UI"): Ctrl+Shift+A
// makes the drawer on first use; the context chips show what will be sent; a message typed in the
// drawer gets the coach's reply with suggestion cards that show the change against the bar's
// prompt; Apply puts the suggestion in the prompt bar and Ctrl+Return generates it (the generation
// completes in the session with that prompt); Ctrl+Z in the prompt and the banner's Undo both bring
// the old prompt back; Enhance shows a card and leaves the prompt alone; and after the window and
// its workspace close, a new one shows the same conversation. A chosen skill reaches the request,
// a format in words sets the aspect ratio on Apply (Undo restores it), and Copy copies the prompt.
#include "backend/server/embeddedbackend.h"
#include "client/assistant/assistantconversation.h"
#include "client/assistant/worddiff.h"
#include "client/cache/cachestore.h"
#include "client/tracking/generationtracker.h"
#include "client/workspace/workspace.h"
#include "ui/app/banner.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/studioviews.h"
#include "ui/app/uicontext.h"
#include "ui/assistant/assistantdock.h"
#include "ui/assistant/assistantdrawer.h"
#include "ui/assistant/contextchips.h"
#include "ui/assistant/conversationview.h"
#include "ui/assistant/skillpicker.h"
#include "ui/assistant/suggestioncard.h"
#include "ui/prompt/modelpicker.h"
#include "ui/prompt/promptbar.h"

#include <QClipboard>
#include <QDockWidget>
#include <QJsonObject>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace vesper;
using namespace vesper::ui;

namespace {
/// The newest generation of the session with this prompt, from the cache (nullopt when none).
std::optional<Generation> generationWithPrompt(client::Workspace *workspace, const QString &sessionId, const QString &prompt)
{
    for (const Generation &g : workspace->cache().generations(sessionId, 50).rows) {
        if (g.prompt == prompt)
            return g;
    }
    return std::nullopt;
}

QPushButton *bannerAction(Banner *banner)
{
    for (QPushButton *button : banner->findChildren<QPushButton *>()) {
        if (button->isVisible() && button->text() == QObject::tr("Undo"))
            return button;
    }
    return nullptr;
}
} // namespace

class TestAssistantDrawer : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<backend::EmbeddedBackend> m_backend;

    std::unique_ptr<MainWindow> openWindow(StudioViews *views)
    {
        const LocalLibrary library{m_backend->baseUrl(), QString::fromLatin1(m_backend->accessToken()), m_backend->localUserId(),
                                   m_dir.filePath(QStringLiteral("library")), {}};
        auto window = std::make_unique<MainWindow>(library);
        *views = installStudioViews(window.get());
        window->connections()->setPaths(m_dir.filePath(QStringLiteral("cache")), m_dir.filePath(QStringLiteral("config")));
        window->connections()->openLast();
        window->resize(1400, 900);
        window->show();
        return window;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-assistant"));
        backend::BackendSettings settings = backend::BackendSettings::forDataDir(m_dir.filePath(QStringLiteral("library")));
        settings.accessLog = false;
        m_backend = std::make_unique<backend::EmbeddedBackend>(settings);
        QString error;
        QVERIFY2(m_backend->start(&error), qPrintable(error));
    }

    void cleanupTestCase()
    {
        if (m_backend)
            m_backend->stop();
    }

    void applyGenerateUndoAndReopen()
    {
        StudioViews views;
        auto window = openWindow(&views);
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        client::Workspace *workspace = window->context()->workspace();
        QVERIFY(workspace && workspace->isOpen());
        workspace->tracker().setBaseIntervalMs(100);
        // The welcome project arrives and settles; its session opens with the prompt bar.
        QTRY_VERIFY_WITH_TIMEOUT(workspace->cache().counts().generations >= 3 && workspace->cache().counts().pendingRows == 0
                                     && workspace->cache().counts().inFlight == 0, 60000);
        QString error;
        QVERIFY2(showPlace(window.get(), views, QStringLiteral("session"), &error), qPrintable(error));
        PromptBar *bar = views.promptBar;
        const QString sessionId = bar->sessionId();
        QVERIFY(!sessionId.isEmpty());
        bar->modelPicker()->setCurrentIndex(bar->modelPicker()->findData(QStringLiteral("sketch")));
        const QString oldPrompt = QStringLiteral("a red kite over the harbour");
        QTest::mouseClick(bar->promptEdit()->viewport(), Qt::LeftButton);
        QTest::keyClicks(bar->promptEdit(), oldPrompt);

        // ---- Ctrl+Shift+A: the dock opens and the drawer is made then, not before.
        QVERIFY(!views.assistant->isCreated());
        QVERIFY(window->assistantDock()->isHidden());
        QTest::keyClick(window.get(), Qt::Key_A, Qt::ControlModifier | Qt::ShiftModifier);
        QTRY_VERIFY(window->assistantDock()->isVisible());
        QVERIFY(views.assistant->isCreated());
        AssistantDrawer *drawer = views.assistant->drawer();
        QCOMPARE(window->assistantDock()->widget(), drawer);
        QTRY_COMPARE(drawer->chips()->promptText(), oldPrompt);
        QCOMPARE(drawer->chips()->typeText(), QStringLiteral("image"));
        QVERIFY(!drawer->chips()->modelText().isEmpty());
        QVERIFY(!drawer->showsOffline());
        // The skills the backend ships fill the picker (and are kept in the cache for offline use).
        QTRY_VERIFY_WITH_TIMEOUT(drawer->skillPicker()->list()->count() >= 5, 10000);
        QTRY_VERIFY(workspace->assistant().skills().size() >= 5);

        // ---- A message in the drawer: the coach answers with cards showing the change.
        client::AssistantConversation *chat = drawer->conversation();
        QVERIFY(chat);
        QCOMPARE(chat->sessionId(), sessionId);
        QSignalSpy replied(chat, &client::AssistantConversation::replied);
        QSignalSpy generatedByMistake(bar, &PromptBar::generationQueued);
        QTest::keyClicks(drawer->input(), QStringLiteral("Make it more atmospheric."));
        QTest::keyClick(drawer->input(), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(drawer->input()->toPlainText().isEmpty());
        QCOMPARE(generatedByMistake.size(), 0); // Ctrl+Return in the drawer sends, it does not generate
        QVERIFY(replied.wait(20000));
        QCOMPARE(chat->messages().size(), 2);
        QTRY_VERIFY(!drawer->conversationView()->cards().isEmpty());
        SuggestionCard *card = drawer->conversationView()->cards().first();
        const QString suggested = card->suggestion().prompt;
        QVERIFY(suggested != oldPrompt);
        QVERIFY2(card->diffHtml().contains(QStringLiteral("<span")), qPrintable(card->diffHtml())); // added words highlighted
        QCOMPARE(bar->prompt(), oldPrompt); // nothing changed behind the user's back

        // ---- Apply: the suggestion is in the bar; Ctrl+Return generates it.
        QTest::mouseClick(card->applyButton(), Qt::LeftButton);
        QCOMPARE(bar->prompt(), suggested);
        QVERIFY(bannerAction(window->banner()));
        QVERIFY2(bar->generateAction()->isEnabled(), qPrintable(bar->disabledReason()));
        QSignalSpy queued(bar, &PromptBar::generationQueued);
        QTest::keyClick(bar->promptEdit(), Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(queued.size(), 1);
        std::optional<Generation> made;
        QTRY_VERIFY_WITH_TIMEOUT((made = generationWithPrompt(workspace, sessionId, suggested.trimmed()))
                                     && made->status == GenerationStatus::Completed, 60000);
        QCOMPARE(made->modelId, QStringLiteral("sketch"));

        // ---- Ctrl+Z in the prompt brings the old prompt back (Apply was one edit).
        bar->focusPrompt();
        QTest::keyClick(bar->promptEdit(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(bar->prompt(), oldPrompt);
        // ---- And the banner's Undo after another Apply.
        QTest::mouseClick(card->applyButton(), Qt::LeftButton);
        QCOMPARE(bar->prompt(), suggested);
        QPushButton *undo = bannerAction(window->banner());
        QVERIFY(undo);
        QTest::mouseClick(undo, Qt::LeftButton);
        QCOMPARE(bar->prompt(), oldPrompt);

        // ---- Insert adds the new words, not the shared ones again; Ctrl+Z and Undo take it back.
        QTest::mouseClick(card->insertButton(), Qt::LeftButton);
        QCOMPARE(bar->prompt(), client::mergeAdditions(oldPrompt, suggested));
        QVERIFY(bar->prompt() != oldPrompt);
        QCOMPARE(bar->prompt().count(QStringLiteral("kite")), 1);
        bar->focusPrompt();
        QTest::keyClick(bar->promptEdit(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(bar->prompt(), oldPrompt);
        QTest::mouseClick(card->insertButton(), Qt::LeftButton);
        QPushButton *undoInsert = bannerAction(window->banner());
        QVERIFY(undoInsert);
        QTest::mouseClick(undoInsert, Qt::LeftButton);
        QCOMPARE(bar->prompt(), oldPrompt);

        // ---- Enhance (the prompt bar's button): a card, and the prompt left as it is.
        QTest::mouseClick(bar->enhanceButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(chat->messages().size(), 3, 20000);
        QCOMPARE(chat->messages().last().role, QStringLiteral("assistant"));
        QCOMPARE(chat->messages().last().suggestions.size(), 1);
        QCOMPARE(bar->prompt(), oldPrompt);
        QTRY_COMPARE(drawer->conversationView()->cards().size(), chat->messages().at(1).suggestions.size() + 1);

        const QList<client::ConversationMessage> before = chat->messages();
        // ---- The window closes (its workspace with it); a new one shows the same conversation.
        window.reset();
        window = openWindow(&views);
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        QVERIFY2(showPlace(window.get(), views, QStringLiteral("session"), &error), qPrintable(error));
        QCOMPARE(views.promptBar->sessionId(), sessionId);
        views.assistant->open();
        client::AssistantConversation *again = views.assistant->drawer()->conversation();
        QVERIFY(again);
        QCOMPARE(again->messages().size(), before.size());
        for (int i = 0; i < before.size(); ++i) {
            QCOMPARE(again->messages().at(i).content, before.at(i).content);
            QCOMPARE(again->messages().at(i).suggestions, before.at(i).suggestions);
        }
        QCOMPARE(views.assistant->drawer()->conversationView()->cards().size(), before.at(1).suggestions.size() + 1);
        window.reset(); // the workspace stops before the backend
    }

    // A chosen skill reaches the request; a suggestion that names a format sets the bar's aspect
    // ratio on Apply and Undo puts the old one back; Copy puts the suggested prompt on the clipboard.
    void chosenSkillFormatAndCopy()
    {
        StudioViews views;
        auto window = openWindow(&views);
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        QString error;
        QVERIFY2(showPlace(window.get(), views, QStringLiteral("session"), &error), qPrintable(error));
        PromptBar *bar = views.promptBar;
        bar->modelPicker()->setCurrentIndex(bar->modelPicker()->findData(QStringLiteral("sketch")));
        QVERIFY(bar->applyParameters(QJsonObject{{QStringLiteral("aspectRatio"), QStringLiteral("1:1")}}).isEmpty());
        QCOMPARE(bar->parameters().value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("1:1"));
        const QString oldPrompt = QStringLiteral("a podcast cover with a microphone");
        bar->promptEdit()->setPlainText(oldPrompt);

        views.assistant->open();
        AssistantDrawer *drawer = views.assistant->drawer();
        QTRY_VERIFY_WITH_TIMEOUT(drawer->skillPicker()->list()->count() >= 5, 10000);
        drawer->skillPicker()->choose({QStringLiteral("cover-design")});
        QCOMPARE(drawer->skillPicker()->chosenIds(), QStringList{QStringLiteral("cover-design")});

        client::AssistantConversation *chat = drawer->conversation();
        QVERIFY(chat);
        const qsizetype cardsBefore = drawer->conversationView()->cards().size();
        QSignalSpy replied(chat, &client::AssistantConversation::replied);
        QTest::keyClicks(drawer->input(), QStringLiteral("Make it a wide 16:9 banner."));
        QTest::keyClick(drawer->input(), Qt::Key_Return, Qt::ControlModifier);
        QVERIFY(replied.wait(20000));
        const client::ConversationMessage answer = chat->messages().last();
        QVERIFY2(answer.content.contains(QStringLiteral("**Checked against:** Covers and thumbnails.")), qPrintable(answer.content));
        QTRY_VERIFY(drawer->conversationView()->cards().size() > cardsBefore);
        SuggestionCard *card = drawer->conversationView()->cards().last();
        QCOMPARE(card->suggestion().parameters.value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("16:9"));
        QCOMPARE(bar->parameters().value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("1:1")); // not before Apply

        QTest::mouseClick(card->copyButton(), Qt::LeftButton);
        QCOMPARE(QApplication::clipboard()->text(), card->suggestion().prompt);
        QCOMPARE(bar->prompt(), oldPrompt);

        QTest::mouseClick(card->applyButton(), Qt::LeftButton);
        QCOMPARE(bar->prompt(), card->suggestion().prompt);
        QCOMPARE(bar->parameters().value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("16:9"));
        QPushButton *undo = bannerAction(window->banner());
        QVERIFY(undo);
        QTest::mouseClick(undo, Qt::LeftButton);
        QCOMPARE(bar->prompt(), oldPrompt);
        QCOMPARE(bar->parameters().value(QStringLiteral("aspectRatio")).toString(), QStringLiteral("1:1"));
        drawer->skillPicker()->choose({});
        window.reset();
    }
};

QTEST_MAIN(TestAssistantDrawer)
#include "tst_assistantdrawer.moc"
