#include "ui/settings/assistantgroup.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLineEdit>

namespace vesper::ui {

AssistantGroup::AssistantGroup(QWidget *parent) : QGroupBox(tr("Assistant"), parent)
{
    m_adapter = new QComboBox(this);
    m_adapter->setObjectName(QStringLiteral("assistantAdapter"));
    m_adapter->addItem(tr("Built-in coach (offline)"), QStringLiteral("coach"));
    m_adapter->addItem(tr("Anthropic"), QStringLiteral("anthropic"));
    m_adapter->addItem(tr("OpenAI-compatible (Ollama, LM Studio, llama.cpp)"), QStringLiteral("openai"));
    m_adapter->setToolTip(tr("Who answers in the prompt assistant; the coach needs no network or key"));
    auto *form = new QFormLayout(this);
    form->addRow(tr("Assistant:"), m_adapter);
    const struct {
        const char *name;
        QString label;
        const char *placeholder;
    } rows[] = {
        {"anthropicKey", tr("Anthropic API key:"), ""},
        {"anthropicModel", tr("Anthropic model:"), "claude-sonnet-4-5"},
        {"anthropicUrl", tr("Anthropic URL:"), "https://api.anthropic.com"},
        {"openaiUrl", tr("OpenAI-compatible URL:"), "http://127.0.0.1:11434"},
        {"openaiKey", tr("OpenAI-compatible key:"), "(local servers need none)"},
        {"openaiModel", tr("OpenAI-compatible model:"), "(the server's default)"},
    };
    for (const auto &row : rows) {
        auto *edit = new QLineEdit(this);
        const QString name = QLatin1String(row.name);
        edit->setObjectName(name);
        edit->setPlaceholderText(QLatin1String(row.placeholder));
        if (name.endsWith(QLatin1String("Key")))
            edit->setEchoMode(QLineEdit::PasswordEchoOnEdit);
        form->addRow(row.label, edit);
        m_fields.insert(name, edit);
    }
    connect(m_adapter, &QComboBox::currentIndexChanged, this, &AssistantGroup::showAdapter);
    showAdapter();
}

QStringList AssistantGroup::fieldNames()
{
    return {QStringLiteral("assistantAdapter"), QStringLiteral("anthropicKey"), QStringLiteral("anthropicModel"),
            QStringLiteral("anthropicUrl"), QStringLiteral("openaiUrl"), QStringLiteral("openaiKey"), QStringLiteral("openaiModel")};
}

QHash<QString, QString> AssistantGroup::values() const
{
    QHash<QString, QString> values;
    values.insert(QStringLiteral("assistantAdapter"), m_adapter->currentData().toString());
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it)
        values.insert(it.key(), it.value()->text().trimmed());
    return values;
}

void AssistantGroup::setValues(const QHash<QString, QString> &values)
{
    const int index = m_adapter->findData(values.value(QStringLiteral("assistantAdapter"), QStringLiteral("coach")));
    m_adapter->setCurrentIndex(qMax(0, index));
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        if (QLineEdit *edit = m_fields.value(it.key()))
            edit->setText(it.value());
}

void AssistantGroup::showAdapter()
{
    // Only the chosen assistant's fields take input; the others keep what was typed.
    const QString adapter = m_adapter->currentData().toString();
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it)
        it.value()->setEnabled(it.key().startsWith(adapter));
}

} // namespace vesper::ui
