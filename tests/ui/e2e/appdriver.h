#pragma once
// What the whole-app tests do the way a user does it: answer the name dialog a New project or New
// session action opens (typing into it and pressing Enter), click a card and press a key on it, and
// find a generation's row in the gallery by its prompt. Shared by tst_app_endtoend and tst_app_offline.
#include <QModelIndex>
#include <QString>

class QAbstractItemView;
class QAction;

namespace vesper::client {
class GenerationListModel;
}

namespace vesper::test {

/// Triggers action by pressing its shortcut on target, then answers the QInputDialog it opens with
/// text (typed, then Enter). False when no dialog came within timeoutMs.
bool answerNameDialog(QWidget *target, QAction *action, const QString &text, int timeoutMs = 10000);

/// Clicks the card of index (making it current) in view, as a user picks it with the mouse.
void clickCard(QAbstractItemView *view, const QModelIndex &index);

/// The row of the generation with this prompt (-1 when the model holds none).
int rowWithPrompt(const client::GenerationListModel *model, const QString &prompt);

} // namespace vesper::test
