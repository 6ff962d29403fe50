#include "ui/settings/providerstab.h"

#include "ui/settings/assistantgroup.h"
#include "ui/settings/providerkeystore.h"

#include <QFormLayout>
#include <QFutureWatcher>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace vesper::ui {

namespace {

struct LoadResult {
    QHash<QString, QString> values;
    QString error;
};

} // namespace

ProvidersTab::ProvidersTab(const LocalLibrary *library, const QString &keychainService, QWidget *parent)
    : QWidget(parent)
    , m_service(keychainService)
{
    if (library)
        m_library = *library;
    const QList<QPair<QString, QString>> labels = {
        {QStringLiteral("a1111Url"), tr("AUTOMATIC1111 URL:")}, {QStringLiteral("comfyUiUrl"), tr("ComfyUI URL:")},
        {QStringLiteral("geminiKey"), tr("Gemini API key:")},   {QStringLiteral("geminiUrl"), tr("Gemini URL:")},
        {QStringLiteral("replicateToken"), tr("Replicate token:")}, {QStringLiteral("replicateUrl"), tr("Replicate URL:")},
    };
    const QHash<QString, QString> placeholders = {
        {QStringLiteral("a1111Url"), QStringLiteral("http://127.0.0.1:7860")},
        {QStringLiteral("comfyUiUrl"), QStringLiteral("http://127.0.0.1:8188")},
        {QStringLiteral("geminiUrl"), QStringLiteral("https://generativelanguage.googleapis.com")},
        {QStringLiteral("replicateUrl"), QStringLiteral("https://api.replicate.com")},
    };
    auto *form = new QFormLayout;
    for (const auto &[name, label] : labels) {
        auto *edit = new QLineEdit(this);
        edit->setObjectName(name);
        edit->setPlaceholderText(placeholders.value(name));
        if (name.endsWith(QLatin1String("Key")) || name.endsWith(QLatin1String("Token")))
            edit->setEchoMode(QLineEdit::PasswordEchoOnEdit);
        form->addRow(label, edit);
        m_fields.insert(name, edit);
    }
    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_save = new QPushButton(tr("Save and apply"), this);
    m_save->setToolTip(tr("Stores these in the system keychain and uses them for the next generation"));
    connect(m_save, &QPushButton::clicked, this, &ProvidersTab::save);
    m_assistant = new AssistantGroup(this);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_assistant);
    layout->addWidget(m_note);
    layout->addWidget(m_save, 0, Qt::AlignRight);
    layout->addStretch(1);

    if (!m_library) {
        for (QLineEdit *edit : std::as_const(m_fields))
            edit->setEnabled(false);
        m_assistant->setEnabled(false);
        m_save->setEnabled(false);
        m_note->setText(tr("Provider keys belong to the local library; a team server keeps its own."));
    } else {
        m_note->setText(tr("Kept in the system keychain, never in settings files; applied without a restart."));
        load();
    }
}

QLineEdit *ProvidersTab::field(const QString &name) const
{
    if (QLineEdit *edit = m_fields.value(name))
        return edit;
    return m_assistant->field(name);
}

QHash<QString, QString> ProvidersTab::values() const
{
    QHash<QString, QString> values = m_assistant->values();
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it)
        values.insert(it.key(), it.value()->text().trimmed());
    return values;
}

void ProvidersTab::setBusy(bool busy, const QString &note)
{
    m_save->setEnabled(!busy && m_library);
    if (!note.isEmpty())
        m_note->setText(note);
}

void ProvidersTab::load()
{
    setBusy(true, {});
    auto *watcher = new QFutureWatcher<LoadResult>(this);
    connect(watcher, &QFutureWatcher<LoadResult>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const LoadResult result = watcher->result();
        for (auto it = result.values.cbegin(); it != result.values.cend(); ++it)
            if (QLineEdit *edit = m_fields.value(it.key()))
                edit->setText(it.value());
        m_assistant->setValues(result.values);
        setBusy(false, result.error.isEmpty() ? QString() : tr("The keychain cannot be read: %1").arg(result.error));
        Q_EMIT loaded(result.error);
    });
    const QString service = m_service;
    watcher->setFuture(QtConcurrent::run([service] {
        LoadResult result;
        ProviderKeyStore(service).load(&result.values, &result.error);
        return result;
    }));
}

void ProvidersTab::save()
{
    setBusy(true, tr("Saving…"));
    const QHash<QString, QString> values = this->values();
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, values] {
        watcher->deleteLater();
        const QString error = watcher->result();
        // Applied either way: without a keychain they hold until the app quits.
        if (m_library && m_library->applyProviderSettings)
            m_library->applyProviderSettings(values);
        setBusy(false, error.isEmpty() ? tr("Saved in the keychain and applied.")
                                       : tr("Applied until the app quits, not saved: %1").arg(error));
        Q_EMIT saved(error);
    });
    const QString service = m_service;
    watcher->setFuture(QtConcurrent::run([service, values] {
        QString error;
        ProviderKeyStore(service).save(values, &error);
        return error;
    }));
}

} // namespace vesper::ui
