#pragma once
// One suggestion of the assistant as a card: why (one line), what it changes against the prompt in
// the bar now — added words highlighted, removed ones struck through — the negative prompt and
// settings it brings, and Apply (replace), Insert (append) and Copy. The card only asks; the drawer
// changes the prompt bar, undoably.
#include "domain/assistant.h"

#include <QFrame>

class QLabel;
class QPushButton;

namespace vesper::ui {

class SuggestionCard : public QFrame {
    Q_OBJECT
public:
    SuggestionCard(const Suggestion &suggestion, QWidget *parent = nullptr);

    const Suggestion &suggestion() const { return m_suggestion; }
    /// Shows the change against prompt (the bar's text now).
    void setCurrentPrompt(const QString &prompt);
    /// The diff as shown (rich text), for tests.
    QString diffHtml() const;
    QPushButton *applyButton() const { return m_apply; }
    QPushButton *insertButton() const { return m_insert; }
    QPushButton *copyButton() const { return m_copy; }

    /// The change from before to after as HTML: added words highlighted, removed ones struck through.
    static QString diffToHtml(const QString &before, const QString &after, const QPalette &palette);

Q_SIGNALS:
    void applyClicked(const vesper::Suggestion &suggestion);
    void insertClicked(const vesper::Suggestion &suggestion);

private:
    Suggestion m_suggestion;
    QString m_shownAgainst;
    QLabel *m_diff;
    QPushButton *m_apply;
    QPushButton *m_insert;
    QPushButton *m_copy;
};

} // namespace vesper::ui
