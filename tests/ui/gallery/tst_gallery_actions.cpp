// The project and session actions driven by their keys, the way a user does: F2 renames (the name
// typed into the dialog), Delete asks first (Cancel queues nothing; Delete queues the delete), and
// Private session toggles privacy. Each write lands in the outbox with the rev the user saw.
#include "client/cache/cachestore.h"
#include "client/models/projectlistmodel.h"
#include "client/models/sessionlistmodel.h"
#include "client/sync/outbox.h"
#include "galleryfixture.h"
#include "ui/gallery/gallerygrid.h"
#include "ui/gallery/projectgalleryview.h"
#include "ui/gallery/sessionpanel.h"

#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QTest>
#include <QTimer>
#include <functional>

using namespace vesper;
using namespace vesper::test;

namespace {

/// Presses key on target; answer() is called on the modal dialog the key opens (inside its event
/// loop). False when no dialog came within a few seconds.
bool pressAndAnswer(QWidget *target, int key, const std::function<void(QWidget *)> &answer)
{
    bool answered = false;
    QTimer poll;
    poll.setInterval(20);
    QObject::connect(&poll, &QTimer::timeout, &poll, [&] {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog || !dialog->isVisible())
            return;
        poll.stop();
        answered = true;
        answer(dialog);
    });
    poll.start();
    QTimer::singleShot(5000, &poll, &QTimer::stop);
    QTest::keyClick(target, Qt::Key(key));
    poll.stop();
    // The offscreen platform does not hand activation back when a dialog closes.
    target->window()->activateWindow();
    QTest::qWaitForWindowActive(target->window());
    target->setFocus();
    return answered;
}

void typeName(QWidget *dialog, const QString &name)
{
    auto *input = qobject_cast<QInputDialog *>(dialog);
    if (!input) {
        dialog->close();
        return;
    }
    input->setTextValue(name);
    input->accept();
}

/// Clicks the message box's button whose text is text.
void clickButton(QWidget *dialog, const QString &text)
{
    auto *box = qobject_cast<QMessageBox *>(dialog);
    if (!box) {
        dialog->close();
        return;
    }
    for (QAbstractButton *button : box->buttons()) {
        if (button->text().remove(QLatin1Char('&')) == text)
            return button->click();
    }
    box->reject();
}

QList<client::OutboxEntry> entriesOf(client::Workspace &workspace, const QString &kind)
{
    QList<client::OutboxEntry> found;
    for (const client::OutboxEntry &entry : workspace.outbox().pending()) {
        if (entry.kind == kind)
            found << entry;
    }
    return found;
}

QJsonObject bodyOf(const client::OutboxEntry &entry)
{
    return QJsonDocument::fromJson(entry.body).object();
}

} // namespace

class TestGalleryActions : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void projectRenameAndDeleteByKeys()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession(QStringLiteral("Posters"));
        ui::ProjectGalleryView view(&fx.ctx());
        view.resize(760, 420);
        view.show();
        view.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&view));
        view.selectProject(session.projectId);
        view.grid()->setFocus();
        QTRY_VERIFY(view.grid()->hasFocus());
        const QString rev = view.grid()->currentIndex().data(client::ProjectListModel::RevRole).toString();

        // F2: the dialog offers the current name; the new one is queued with the rev seen.
        QString offered;
        QVERIFY(pressAndAnswer(view.grid(), Qt::Key_F2, [&offered](QWidget *dialog) {
            if (auto *input = qobject_cast<QInputDialog *>(dialog))
                offered = input->textValue();
            typeName(dialog, QStringLiteral("Harbour posters"));
        }));
        QCOMPARE(offered, QStringLiteral("Posters"));
        QList<client::OutboxEntry> renames = entriesOf(fx.workspace(), QStringLiteral("project.update"));
        QCOMPARE(renames.size(), 1);
        QCOMPARE(renames.first().path, QStringLiteral("/api/projects/") + session.projectId);
        QCOMPARE(bodyOf(renames.first()).value(QStringLiteral("name")).toString(), QStringLiteral("Harbour posters"));
        QCOMPARE(renames.first().ifMatch.isEmpty(), rev.isEmpty());

        // Delete asks first; Cancel queues nothing.
        QString question;
        QVERIFY(pressAndAnswer(view.grid(), Qt::Key_Delete, [&question](QWidget *dialog) {
            if (auto *box = qobject_cast<QMessageBox *>(dialog))
                question = box->informativeText();
            clickButton(dialog, QStringLiteral("Cancel"));
        }));
        QVERIFY2(question.contains(QStringLiteral("cannot be undone")), qPrintable(question));
        QVERIFY(entriesOf(fx.workspace(), QStringLiteral("project.delete")).isEmpty());

        // Delete confirmed: queued.
        QVERIFY(pressAndAnswer(view.grid(), Qt::Key_Delete, [](QWidget *dialog) { clickButton(dialog, QStringLiteral("Delete")); }));
        const QList<client::OutboxEntry> deletes = entriesOf(fx.workspace(), QStringLiteral("project.delete"));
        QCOMPARE(deletes.size(), 1);
        QCOMPARE(deletes.first().method, QByteArray("DELETE"));
        QCOMPARE(deletes.first().path, QStringLiteral("/api/projects/") + session.projectId);
    }

    void sessionRenamePrivacyAndDeleteByKeys()
    {
        GalleryFixture fx;
        QVERIFY(fx.ok());
        const Session session = fx.addProjectAndSession(QStringLiteral("Posters"));
        ui::SessionPanel panel(&fx.ctx());
        panel.resize(300, 500);
        panel.setProject(session.projectId);
        panel.show();
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        panel.selectSession(session.id);
        QCOMPARE(panel.currentSessionId(), session.id);
        panel.list()->setFocus();
        QTRY_VERIFY(panel.list()->hasFocus());
        const QList<QAction *> actions = panel.actions(); // new, rename, private, delete

        QVERIFY(pressAndAnswer(panel.list(), Qt::Key_F2, [](QWidget *dialog) { typeName(dialog, QStringLiteral("Lighthouses")); }));
        const QList<client::OutboxEntry> renames = entriesOf(fx.workspace(), QStringLiteral("session.update"));
        QCOMPARE(renames.size(), 1);
        QCOMPARE(renames.first().path, QStringLiteral("/api/sessions/") + session.id);
        QCOMPARE(bodyOf(renames.first()).value(QStringLiteral("name")).toString(), QStringLiteral("Lighthouses"));

        // Private: the owner's toggle, queued as isPrivate.
        QAction *makePrivate = actions.at(2);
        QVERIFY(makePrivate->isEnabled());
        QVERIFY(!makePrivate->isChecked());
        makePrivate->trigger();
        QList<client::OutboxEntry> updates = entriesOf(fx.workspace(), QStringLiteral("session.update"));
        QCOMPARE(updates.size(), 2);
        QCOMPARE(bodyOf(updates.last()).value(QStringLiteral("isPrivate")), QJsonValue(true));

        QVERIFY(pressAndAnswer(panel.list(), Qt::Key_Delete, [](QWidget *dialog) { clickButton(dialog, QStringLiteral("Cancel")); }));
        QVERIFY(entriesOf(fx.workspace(), QStringLiteral("session.delete")).isEmpty());
        QVERIFY(pressAndAnswer(panel.list(), Qt::Key_Delete, [](QWidget *dialog) { clickButton(dialog, QStringLiteral("Delete")); }));
        const QList<client::OutboxEntry> deletes = entriesOf(fx.workspace(), QStringLiteral("session.delete"));
        QCOMPARE(deletes.size(), 1);
        QCOMPARE(deletes.first().path, QStringLiteral("/api/sessions/") + session.id);
    }
};

QTEST_MAIN(TestGalleryActions)
#include "tst_gallery_actions.moc"
