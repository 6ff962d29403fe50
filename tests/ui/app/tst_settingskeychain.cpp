// Settings ▸ Providers under a real Secret Service (with-keyring.sh): Save puts keys, tokens and
// URLs (and the assistant's choice, key, model and URL) in the keychain, applies them to the local
// library at once, a new dialog reads them back, and no settings file written meanwhile holds any.
#include "client/auth/keychainstore.h"
#include "ui/app/connectionmanager.h"
#include "ui/app/mainwindow.h"
#include "ui/app/uicontext.h"
#include "ui/settings/assistantgroup.h"
#include "ui/settings/providerkeystore.h"
#include "ui/settings/providerstab.h"
#include "ui/settings/settingsdialog.h"

#include <QComboBox>
#include <QDirIterator>
#include <QLineEdit>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace vesper;
using namespace vesper::ui;

class TestSettingsKeychain : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.path());
        QCoreApplication::setOrganizationName(QStringLiteral("Vesper Studio Test"));
        QCoreApplication::setApplicationName(QStringLiteral("vesper-test"));
        m_service = QStringLiteral("vesper-test-providers-%1").arg(QCoreApplication::applicationPid());
        client::KeychainStore keychain(m_service);
        if (!keychain.available())
            QSKIP(qPrintable(QStringLiteral("no secret service: %1").arg(keychain.unavailableReason())));
    }

    void keysGoToKeychainOnly()
    {
        QHash<QString, QString> applied;
        int applyCount = 0;
        LocalLibrary library;
        library.baseUrl = QStringLiteral("http://127.0.0.1:9");
        library.accessToken = QStringLiteral("local-token");
        library.userId = QStringLiteral("local-user");
        library.dataDir = m_dir.filePath(QStringLiteral("data"));
        library.applyProviderSettings = [&](const QHash<QString, QString> &values) {
            applied = values;
            ++applyCount;
        };
        const QHash<QString, QString> secrets = {
            {QStringLiteral("geminiKey"), QStringLiteral("gemini-SECRET-4f1c")},
            {QStringLiteral("replicateToken"), QStringLiteral("r8_SECRET-9a7e")},
            {QStringLiteral("a1111Url"), QStringLiteral("http://a1111.invalid:7860")},
            {QStringLiteral("comfyUiUrl"), QStringLiteral("http://comfy.invalid:8188")},
            {QStringLiteral("geminiUrl"), QStringLiteral("http://gemini.invalid")},
            {QStringLiteral("replicateUrl"), QStringLiteral("http://replicate.invalid")},
            {QStringLiteral("assistantAdapter"), QStringLiteral("anthropic")},
            {QStringLiteral("anthropicKey"), QStringLiteral("sk-ant-SECRET-51d2")},
            {QStringLiteral("anthropicModel"), QStringLiteral("claude-test-model-77")},
            {QStringLiteral("anthropicUrl"), QStringLiteral("http://anthropic.invalid")},
            {QStringLiteral("openaiUrl"), QStringLiteral("http://ollama.invalid:11434")},
            {QStringLiteral("openaiKey"), QStringLiteral("sk-SECRET-openai-3c")},
            {QStringLiteral("openaiModel"), QStringLiteral("qwen-test-model-12")},
        };
        {
            MainWindow window(library); // writes its own settings on close, like the app
            SettingsDialog dialog(window.connections(), window.context(), &window, m_service);
            ProvidersTab *tab = dialog.providersTab();
            QSignalSpy loaded(tab, &ProvidersTab::loaded);
            QVERIFY(loaded.wait(20000));
            for (auto it = secrets.cbegin(); it != secrets.cend(); ++it) {
                if (QLineEdit *edit = tab->field(it.key()))
                    edit->setText(it.value());
            }
            QComboBox *adapter = tab->assistantGroup()->adapterChoice();
            adapter->setCurrentIndex(adapter->findData(secrets.value(QStringLiteral("assistantAdapter"))));
            QSignalSpy saved(tab, &ProvidersTab::saved);
            tab->save();
            QVERIFY(saved.wait(20000));
            QCOMPARE(saved.first().first().toString(), QString());
            QCOMPARE(applyCount, 1);
            QCOMPARE(applied, secrets);
            window.close();
        }

        // In the keychain, under the service, each on its own entry.
        client::KeychainStore keychain(m_service);
        QCOMPARE(keychain.read(QStringLiteral("geminiKey")).secret, secrets.value(QStringLiteral("geminiKey")));
        QCOMPARE(keychain.read(QStringLiteral("replicateUrl")).secret, secrets.value(QStringLiteral("replicateUrl")));

        // A new tab reads them back; the start-up path applies them.
        ProvidersTab again(&library, m_service);
        QSignalSpy loadedAgain(&again, &ProvidersTab::loaded);
        QVERIFY(loadedAgain.wait(20000));
        QCOMPARE(again.values(), secrets);
        applied.clear();
        QObject receiver;
        ProviderKeyStore::loadAndApplyAsync(library, &receiver, m_service);
        QTRY_COMPARE_WITH_TIMEOUT(applied, secrets, 20000);

        // Nothing of it in any settings file.
        QSettings().sync();
        int files = 0;
        QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile file(it.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray content = file.readAll();
            ++files;
            for (const QString &value : secrets) {
                if (value == secrets.value(QStringLiteral("assistantAdapter")))
                    continue; // a choice, not a secret
                QVERIFY2(!content.contains(value.toUtf8()), qPrintable(QStringLiteral("%1 holds %2").arg(file.fileName(), value)));
            }
        }
        QVERIFY2(files > 0, "the window wrote no settings file: the check above proved nothing");

        // Clearing a field removes its entry.
        QHash<QString, QString> cleared = secrets;
        cleared.insert(QStringLiteral("geminiKey"), QString());
        QString error;
        QVERIFY2(ProviderKeyStore(m_service).save(cleared, &error), qPrintable(error));
        QCOMPARE(keychain.read(QStringLiteral("geminiKey")).status, client::KeychainStore::Status::NotFound);
    }

    void cleanupTestCase()
    {
        client::KeychainStore keychain(m_service);
        for (const QString &name : ProviderKeyStore::fieldNames())
            keychain.remove(name);
    }

private:
    QTemporaryDir m_dir;
    QString m_service;
};

QTEST_MAIN(TestSettingsKeychain)
#include "tst_settingskeychain.moc"
