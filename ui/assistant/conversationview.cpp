#include "ui/assistant/conversationview.h"

#include "ui/assistant/markdownview.h"
#include "ui/assistant/suggestioncard.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QTimer>
#include <QVBoxLayout>

namespace vesper::ui {

ConversationView::ConversationView(QWidget *parent) : QScrollArea(parent)
{
    setObjectName(QStringLiteral("assistantConversation"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_column = new QWidget(this);
    m_layout = new QVBoxLayout(m_column);
    m_layout->setContentsMargins(8, 8, 8, 8);
    m_layout->setSpacing(10);
    m_empty = new QLabel(tr("Ask about the prompt in the bar — “make it moodier”, “suggest lighting”, “write it for a "
                            "square cover”. The assistant sees what the chips above show, and proposes; nothing changes "
                            "until you apply a suggestion."),
                         m_column);
    m_empty->setWordWrap(true);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setMargin(16);
    m_layout->addWidget(m_empty);
    m_layout->addStretch(1);
    setWidget(m_column);
    // Stay at the bottom while the user is there; leave them where they scrolled to otherwise.
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        m_atBottom = value >= verticalScrollBar()->maximum() - 8;
    });
    connect(verticalScrollBar(), &QScrollBar::rangeChanged, this, [this](int, int max) {
        if (m_atBottom)
            verticalScrollBar()->setValue(max);
    });
}

void ConversationView::setMessages(const QList<client::ConversationMessage> &messages)
{
    // Everything between the empty label and the stretch goes; the streaming reply too.
    while (m_layout->count() > 2) {
        QLayoutItem *item = m_layout->takeAt(1);
        if (QWidget *widget = item->widget())
            widget->deleteLater();
        delete item;
    }
    m_cards.clear();
    m_streaming = nullptr;
    m_streamingBubble = nullptr;
    m_empty->setVisible(messages.isEmpty());
    for (const client::ConversationMessage &message : messages)
        addAtEnd(messageWidget(message));
    followBottom();
}

void ConversationView::showStreaming(const QString &textSoFar)
{
    if (!m_streaming) {
        m_empty->hide();
        m_streamingBubble = bubble(tr("Assistant"), {}, &m_streaming);
        addAtEnd(m_streamingBubble);
    }
    m_streaming->setMarkdownThrottled(textSoFar.isEmpty() ? tr("…") : textSoFar);
    followBottom();
}

void ConversationView::setCurrentPrompt(const QString &prompt)
{
    m_prompt = prompt;
    for (SuggestionCard *card : std::as_const(m_cards))
        card->setCurrentPrompt(prompt);
}

void ConversationView::addAtEnd(QWidget *widget)
{
    m_layout->insertWidget(m_layout->count() - 1, widget); // before the stretch
}

void ConversationView::followBottom()
{
    if (m_atBottom)
        QTimer::singleShot(0, this, [this] { verticalScrollBar()->setValue(verticalScrollBar()->maximum()); });
}

QWidget *ConversationView::bubble(const QString &who, const QString &markdown, MarkdownView **view)
{
    auto *box = new QWidget(m_column);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto *caption = new QLabel(who, box);
    QFont small = caption->font();
    small.setBold(true);
    small.setPointSizeF(small.pointSizeF() * 0.9);
    caption->setFont(small);
    caption->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(caption);
    auto *text = new MarkdownView(box);
    text->setMarkdownNow(markdown);
    layout->addWidget(text);
    if (view)
        *view = text;
    return box;
}

QWidget *ConversationView::messageWidget(const client::ConversationMessage &message)
{
    using State = client::ConversationMessage::State;
    const bool user = message.role == QLatin1String("user");
    QWidget *box = bubble(user ? tr("You") : tr("Assistant"), message.content);
    auto *layout = static_cast<QVBoxLayout *>(box->layout());
    if (user && message.state == State::Sending) {
        auto *note = new QLabel(tr("Sending…"), box);
        note->setForegroundRole(QPalette::PlaceholderText);
        layout->addWidget(note);
    } else if (user && message.state == State::Failed) {
        auto *note = new QLabel(tr("Not sent: %1").arg(message.error), box);
        note->setObjectName(QStringLiteral("failedNote"));
        note->setWordWrap(true);
        note->setTextFormat(Qt::PlainText);
        QPalette warn = note->palette();
        warn.setColor(QPalette::WindowText, QColor(0xc0, 0x39, 0x2b));
        note->setPalette(warn);
        auto *retry = new QPushButton(tr("Retry"), box);
        retry->setObjectName(QStringLiteral("retryButton"));
        retry->setToolTip(tr("Send this message again with the prompt in the bar now"));
        auto *discard = new QPushButton(tr("Edit"), box);
        discard->setToolTip(tr("Take the message back into the input field"));
        connect(retry, &QPushButton::clicked, this, [this, id = message.id] { Q_EMIT retryClicked(id); });
        connect(discard, &QPushButton::clicked, this, [this, id = message.id] { Q_EMIT discardClicked(id); });
        auto *row = new QHBoxLayout;
        row->addWidget(retry);
        row->addWidget(discard);
        row->addStretch(1);
        layout->addWidget(note);
        layout->addLayout(row);
    }
    for (const Suggestion &suggestion : message.suggestions) {
        auto *card = new SuggestionCard(suggestion, box);
        card->setCurrentPrompt(m_prompt);
        connect(card, &SuggestionCard::applyClicked, this, &ConversationView::applyClicked);
        connect(card, &SuggestionCard::insertClicked, this, &ConversationView::insertClicked);
        layout->addWidget(card);
        m_cards.append(card);
    }
    return box;
}

} // namespace vesper::ui
