#include "ui/settings/providerkeystore.h"

#include "client/auth/keychainstore.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

ProviderKeyStore::ProviderKeyStore(QString service) : m_service(std::move(service)) {}

QStringList ProviderKeyStore::fieldNames()
{
    return {QStringLiteral("a1111Url"), QStringLiteral("comfyUiUrl"), QStringLiteral("geminiKey"),
            QStringLiteral("geminiUrl"), QStringLiteral("replicateToken"), QStringLiteral("replicateUrl"),
            // the assistant (Settings ▸ Providers ▸ Assistant)
            QStringLiteral("assistantAdapter"), QStringLiteral("anthropicKey"), QStringLiteral("anthropicModel"),
            QStringLiteral("anthropicUrl"), QStringLiteral("openaiUrl"), QStringLiteral("openaiKey"), QStringLiteral("openaiModel")};
}

bool ProviderKeyStore::load(QHash<QString, QString> *values, QString *error) const
{
    client::KeychainStore keychain(m_service);
    if (!keychain.available()) {
        *error = keychain.unavailableReason();
        return false;
    }
    for (const QString &name : fieldNames()) {
        const client::KeychainStore::Result result = keychain.read(name);
        if (result.ok())
            values->insert(name, result.secret);
        else if (result.status != client::KeychainStore::Status::NotFound) {
            *error = result.error;
            return false;
        }
    }
    return true;
}

bool ProviderKeyStore::save(const QHash<QString, QString> &values, QString *error) const
{
    client::KeychainStore keychain(m_service);
    if (!keychain.available()) {
        *error = keychain.unavailableReason();
        return false;
    }
    for (const QString &name : fieldNames()) {
        const QString value = values.value(name).trimmed();
        const client::KeychainStore::Result result = value.isEmpty() ? keychain.remove(name) : keychain.write(name, value);
        if (!result.ok()) {
            *error = result.error;
            return false;
        }
    }
    return true;
}

void ProviderKeyStore::loadAndApplyAsync(const LocalLibrary &library, QObject *receiver, const QString &service)
{
    if (!library.applyProviderSettings)
        return;
    using Loaded = QHash<QString, QString>;
    auto *watcher = new QFutureWatcher<Loaded>(receiver);
    QObject::connect(watcher, &QFutureWatcher<Loaded>::finished, receiver, [watcher, apply = library.applyProviderSettings] {
        watcher->deleteLater();
        const Loaded values = watcher->result();
        if (!values.isEmpty())
            apply(values);
    });
    watcher->setFuture(QtConcurrent::run([service] {
        Loaded values;
        QString error;
        ProviderKeyStore(service).load(&values, &error);
        return values;
    }));
}

} // namespace vesper::ui
