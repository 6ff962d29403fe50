#include "appdriver.h"

#include "client/models/generationlistmodel.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QInputDialog>
#include <QLineEdit>
#include <QPointer>
#include <QTest>
#include <QTimer>

namespace vesper::test {

bool answerNameDialog(QWidget *target, QAction *action, const QString &text, int timeoutMs)
{
    // The dialog runs its own event loop inside the shortcut's handler: a timer answers it there.
    bool answered = false;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, &poll, [&poll, &answered, text] {
        auto *dialog = qobject_cast<QInputDialog *>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        poll.stop();
        auto *edit = dialog->findChild<QLineEdit *>();
        if (!edit)
            return dialog->reject();
        edit->selectAll();
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return);
        answered = true;
    });
    poll.start();
    const QKeySequence keys = action->shortcut();
    QTest::keySequence(target, keys);
    QElapsedTimer waited;
    waited.start();
    while (!answered && waited.elapsed() < timeoutMs)
        QTest::qWait(20);
    poll.stop();
    // The offscreen platform does not hand activation back when a dialog closes; a desktop does.
    QWidget *window = target->window();
    window->activateWindow();
    return QTest::qWaitForWindowActive(window) && answered;
}

void clickCard(QAbstractItemView *view, const QModelIndex &index)
{
    view->scrollTo(index);
    const QRect rect = view->visualRect(index);
    // The top part of a card is its picture: clear of any button the card paints.
    QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::NoModifier, QPoint(rect.center().x(), rect.top() + rect.height() / 4));
}

int rowWithPrompt(const client::GenerationListModel *model, const QString &prompt)
{
    for (int row = 0; model && row < model->rowCount(); ++row) {
        if (model->data(model->index(row, 0), client::GenerationListModel::PromptRole).toString() == prompt)
            return row;
    }
    return -1;
}

} // namespace vesper::test
