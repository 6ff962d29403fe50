#include "ui/assistant/assistantdrawer.h"

#include "client/assistant/assistantconversation.h"
#include "client/net/apiclient.h"
#include "client/net/httpclient.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/assistant/contextchips.h"
#include "ui/assistant/conversationview.h"
#include "ui/assistant/skillpicker.h"
#include "ui/assistant/suggestionapplier.h"
#include "ui/prompt/modelpicker.h"
#include "ui/prompt/promptbar.h"

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

namespace {
constexpr int kPromptFollowMs = 120; // cards re-diff at most this often while the user types

/// The Enhance result as the assistant's message: what changed, one line each.
QString enhanceMarkdown(const EnhanceResult &result)
{
    if (result.changes.isEmpty())
        return QObject::tr("**Enhanced prompt** — nothing to add: the prompt already covers what the skills ask for.");
    QString text = QObject::tr("**Enhanced prompt** — what it adds:") + QLatin1Char('\n');
    for (const PromptChange &change : result.changes)
        text += QStringLiteral("\n- ") + (change.reason.isEmpty() ? change.added : change.reason);
    return text;
}
} // namespace

AssistantDrawer::AssistantDrawer(UiContext *ctx, PromptBar *bar, QWidget *parent)
    : QWidget(parent)
    , m_ctx(ctx)
    , m_bar(bar)
{
    setObjectName(QStringLiteral("assistantDrawer"));
    setMinimumWidth(320); // a suggestion card's text and its three buttons side by side
    m_offline = new QLabel(tr("Offline: the conversation stays readable and suggestions still apply. New messages are kept "
                              "here and sent with Retry once you are online."),
                           this);
    m_offline->setObjectName(QStringLiteral("offlineNote"));
    m_offline->setWordWrap(true);
    m_offline->setForegroundRole(QPalette::PlaceholderText);
    m_offline->hide();
    m_chips = new ContextChips(this);
    m_skills = new SkillPicker(ctx, this);
    m_view = new ConversationView(this);
    m_applier = new SuggestionApplier(ctx, bar, this);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("assistantError"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_errorRetry = new QPushButton(tr("Retry"), this);
    auto *errorRow = new QHBoxLayout;
    errorRow->addWidget(m_error, 1);
    errorRow->addWidget(m_errorRetry, 0, Qt::AlignTop);
    m_error->hide();
    m_errorRetry->hide();

    m_input = new QPlainTextEdit(this);
    m_input->setObjectName(QStringLiteral("assistantInput"));
    m_input->setPlaceholderText(tr("Ask the assistant… (Ctrl+Return to send)"));
    m_input->setTabChangesFocus(true);
    m_input->setFixedHeight(m_input->fontMetrics().lineSpacing() * 3 + 2 * m_input->frameWidth() + 10);
    m_input->installEventFilter(this);
    m_send = new QPushButton(tr("Send"), this);
    m_send->setDefault(true);
    m_enhance = new QPushButton(tr("Enhance prompt"), this);
    m_enhance->setToolTip(tr("A fuller version of the prompt in the bar, shown as a suggestion; the prompt stays as it is"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_enhance);
    buttons->addStretch(1);
    buttons->addWidget(m_send);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(m_offline);
    layout->addWidget(m_chips);
    layout->addWidget(m_skills);
    layout->addWidget(m_view, 1);
    layout->addLayout(errorRow);
    layout->addWidget(m_input);
    layout->addLayout(buttons);

    auto *follow = new QTimer(this);
    follow->setSingleShot(true);
    follow->setInterval(kPromptFollowMs);
    connect(follow, &QTimer::timeout, this, &AssistantDrawer::refreshContext);
    if (bar) {
        connect(bar, &PromptBar::contextChanged, follow, qOverload<>(&QTimer::start));
        connect(bar, &PromptBar::sessionChanged, this, &AssistantDrawer::openSession);
    }
    connect(m_ctx, &UiContext::workspaceChanged, this, &AssistantDrawer::workspaceChanged);
    connect(m_view, &ConversationView::applyClicked, m_applier, &SuggestionApplier::apply);
    connect(m_view, &ConversationView::insertClicked, m_applier, &SuggestionApplier::insert);
    connect(m_view, &ConversationView::retryClicked, this, [this](qint64 id) {
        if (m_conversation && m_conversation->retry(id, currentContext(), m_skills->chosenIds()))
            showError({}, false);
    });
    connect(m_view, &ConversationView::discardClicked, this, [this](qint64 id) {
        if (!m_conversation)
            return;
        const QString text = m_conversation->discard(id);
        if (!text.isEmpty() && m_input->toPlainText().trimmed().isEmpty())
            m_input->setPlainText(text);
        focusInput();
    });
    connect(m_send, &QPushButton::clicked, this, [this] {
        if (m_conversation && m_conversation->isBusy())
            m_conversation->stop();
        else
            sendInput();
    });
    connect(m_enhance, &QPushButton::clicked, this, &AssistantDrawer::enhance);
    connect(m_errorRetry, &QPushButton::clicked, this, [this] {
        const std::function<void()> retry = m_retryAction;
        showError({}, false);
        if (retry)
            retry();
    });
    workspaceChanged();
}

AssistantDrawer::~AssistantDrawer() = default;

PromptContext AssistantDrawer::currentContext() const
{
    PromptContext context;
    if (!m_bar)
        return context;
    context.currentPrompt = m_bar->prompt();
    context.modelId = m_bar->modelPicker()->currentModelId();
    context.generationType = m_bar->generationType();
    context.referenceCount = m_bar->referenceCount();
    return context;
}

void AssistantDrawer::workspaceChanged()
{
    m_conversation.reset();
    if (client::Workspace *workspace = m_ctx->workspace(); workspace && workspace->isOpen())
        connect(&workspace->http(), &client::HttpClient::onlineChanged, this, &AssistantDrawer::updateOnline, Qt::QueuedConnection);
    m_skills->reload();
    updateOnline();
    openSession(m_bar ? m_bar->sessionId() : QString());
    refreshContext();
}

void AssistantDrawer::openSession(const QString &sessionId)
{
    if (m_conversation && m_conversation->sessionId() == sessionId)
        return;
    m_conversation.reset();
    showError({}, false);
    client::Workspace *workspace = m_ctx->workspace();
    if (workspace && workspace->isOpen() && !sessionId.isEmpty()) {
        m_conversation = std::make_unique<client::AssistantConversation>(workspace->api(), workspace->assistant(), sessionId);
        m_conversation->setOffline(isOffline());
        connect(m_conversation.get(), &client::AssistantConversation::messagesChanged, this, &AssistantDrawer::refreshMessages);
        connect(m_conversation.get(), &client::AssistantConversation::streamed, m_view, &ConversationView::showStreaming);
        connect(m_conversation.get(), &client::AssistantConversation::failed, this, &AssistantDrawer::conversationFailed);
        connect(m_conversation.get(), &client::AssistantConversation::busyChanged, this, &AssistantDrawer::updateButtons);
    }
    refreshMessages();
    updateButtons();
}

void AssistantDrawer::refreshMessages()
{
    m_view->setMessages(m_conversation ? m_conversation->messages() : QList<client::ConversationMessage>{});
}

void AssistantDrawer::refreshContext()
{
    const PromptContext context = currentContext();
    const std::optional<ModelInfo> model = m_bar ? m_bar->modelPicker()->currentModel() : std::nullopt;
    m_chips->setContext(context, model ? model->name : QString());
    m_view->setCurrentPrompt(context.currentPrompt);
}

bool AssistantDrawer::isOffline() const
{
    const client::Workspace *workspace = m_ctx->workspace();
    if (!workspace || !workspace->isOpen() || m_ctx->isLocalLibrary())
        return false; // the local library's coach answers over loopback, with no network
    return workspace->options().offline || !const_cast<client::Workspace *>(workspace)->http().isOnline();
}

bool AssistantDrawer::showsOffline() const
{
    return !m_offline->isHidden();
}

void AssistantDrawer::updateOnline()
{
    const bool offline = isOffline();
    m_offline->setVisible(offline);
    if (m_conversation)
        m_conversation->setOffline(offline);
    updateButtons();
}

void AssistantDrawer::updateButtons()
{
    const bool busy = m_conversation && m_conversation->isBusy();
    m_send->setText(busy ? tr("Stop") : tr("Send"));
    m_send->setToolTip(busy ? tr("Stop the answer; your message is kept for Retry") : tr("Send (Ctrl+Return)"));
    m_send->setEnabled(m_conversation != nullptr);
    m_enhance->setEnabled(m_conversation != nullptr && !m_enhancing);
    m_input->setEnabled(m_conversation != nullptr);
    if (!m_conversation)
        m_input->setPlaceholderText(tr("Open a session to talk to the assistant about its prompts."));
    else
        m_input->setPlaceholderText(tr("Ask the assistant… (Ctrl+Return to send)"));
}

bool AssistantDrawer::sendInput()
{
    if (!m_conversation || m_conversation->isBusy())
        return false;
    const QString text = m_input->toPlainText();
    const int errorsBefore = m_errorsShown;
    if (!m_conversation->send(text, currentContext(), m_skills->chosenIds()))
        return false;
    m_input->clear(); // kept in the conversation from here on (failed ones with Retry)
    if (m_errorsShown == errorsBefore)
        showError({}, false); // the old note goes; one the send gave (offline: at once) stays
    return true;
}

void AssistantDrawer::conversationFailed(const client::ApiError &error)
{
    if (error.kind == client::ApiError::Kind::Offline) {
        updateOnline();
        showError(tr("You are offline; the message is kept. Retry sends it once you are online."), false);
        return; // offline is a state, not an error: no banner
    }
    m_ctx->reportError(tr("The assistant could not answer."), tr("%1 Your message is kept in the drawer; Retry sends it again.").arg(error.message));
    showError(tr("The assistant could not answer: %1").arg(error.message), false);
}

void AssistantDrawer::showError(const QString &text, bool retryable)
{
    ++m_errorsShown;
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
    m_errorRetry->setVisible(!text.isEmpty() && retryable);
    if (text.isEmpty())
        m_retryAction = nullptr;
}

QString AssistantDrawer::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void AssistantDrawer::enhance()
{
    client::Workspace *workspace = m_ctx->workspace();
    const PromptContext context = currentContext();
    if (!m_conversation || !workspace || !workspace->isOpen())
        return showError(tr("Open a session first: the enhanced prompt is kept in its conversation."), false);
    if (context.currentPrompt.trimmed().isEmpty())
        return showError(tr("Write a prompt in the bar first; Enhance proposes a fuller version of it."), false);
    if (isOffline())
        return showError(tr("You are offline; Enhance needs the server. The prompt is unchanged."), false);
    if (m_enhancing)
        return;
    m_enhancing = true;
    updateButtons();
    showError({}, false);
    client::ApiClient *api = &workspace->api();
    const QStringList skills = m_skills->chosenIds();
    QPointer<client::AssistantConversation> asked = m_conversation.get();
    auto *watcher = new QFutureWatcher<client::ApiResult<EnhanceResult>>(this);
    connect(watcher, &QFutureWatcher<client::ApiResult<EnhanceResult>>::finished, this, [this, watcher, asked, context] {
        watcher->deleteLater();
        m_enhancing = false;
        updateButtons();
        const client::ApiResult<EnhanceResult> answer = watcher->result();
        if (!answer.ok()) {
            m_ctx->reportError(tr("The prompt could not be enhanced."), tr("%1 The prompt is unchanged.").arg(answer.error.message));
            showError(tr("Enhance failed: %1").arg(answer.error.message), true);
            m_retryAction = [this] { enhance(); };
            return;
        }
        if (!asked)
            return; // another session now: its conversation is not the place for it
        Suggestion suggestion;
        suggestion.prompt = answer.value.enhancedPrompt;
        QStringList reasons;
        for (const PromptChange &change : answer.value.changes)
            reasons << (change.reason.isEmpty() ? change.added : change.reason);
        suggestion.rationale = reasons.isEmpty() ? tr("The prompt as it is covers the checklist.") : reasons.join(QStringLiteral("; "));
        const bool changed = answer.value.enhancedPrompt.trimmed() != context.currentPrompt.trimmed();
        asked->addLocalReply(enhanceMarkdown(answer.value), changed ? QList<Suggestion>{suggestion} : QList<Suggestion>{});
    });
    watcher->setFuture(QtConcurrent::run([api, context, skills] { return api->enhancePrompt(context.currentPrompt, context.modelId, skills); }));
}

void AssistantDrawer::focusInput()
{
    m_input->setFocus(Qt::OtherFocusReason);
}

bool AssistantDrawer::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_input && (event->type() == QEvent::KeyPress || event->type() == QEvent::ShortcutOverride)) {
        auto *key = static_cast<QKeyEvent *>(event);
        if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && (key->modifiers() & Qt::ControlModifier)) {
            // Ctrl+Return here sends the message; the window's Generate must not take it.
            if (event->type() == QEvent::ShortcutOverride)
                event->accept();
            else
                sendInput();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace vesper::ui
