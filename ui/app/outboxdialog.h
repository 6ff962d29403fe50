#pragma once
// The list behind the status bar's "changes refused" count: every write not sent yet, what it was,
// its state and the server's reason, with Dismiss to give one up (it is then never sent). Small and
// non-blocking: opened from the status bar, closed when read.
#include <QDialog>

class QTreeWidget;

namespace vesper::ui {

class UiContext;

class OutboxDialog : public QDialog {
    Q_OBJECT
public:
    explicit OutboxDialog(UiContext *context, QWidget *parent = nullptr);
    /// Reads the outbox's pending entries again.
    void reload();
    int entryCount() const;

private:
    UiContext *m_context;
    QTreeWidget *m_list;
};

} // namespace vesper::ui
