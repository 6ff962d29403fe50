#pragma once
// Settings ▸ Providers ▸ Assistant: which assistant the local library's backend uses for the prompt
// drawer (the offline coach, Anthropic, or an OpenAI-compatible server such as Ollama or LM Studio)
// and its key, model and address. Kept with the provider keys in the keychain (ProviderKeyStore).
#include <QGroupBox>
#include <QHash>

class QComboBox;
class QLineEdit;

namespace vesper::ui {

class AssistantGroup : public QGroupBox {
    Q_OBJECT
public:
    explicit AssistantGroup(QWidget *parent = nullptr);

    /// assistantAdapter, anthropicKey, anthropicModel, anthropicUrl, openaiUrl, openaiKey, openaiModel.
    static QStringList fieldNames();

    /// The line edit for a field name (null for assistantAdapter and unknown names).
    QLineEdit *field(const QString &name) const { return m_fields.value(name); }
    QComboBox *adapterChoice() const { return m_adapter; }
    /// Every field by name; assistantAdapter is "coach", "anthropic" or "openai".
    QHash<QString, QString> values() const;
    /// Fills the fields present in values (others keep their text).
    void setValues(const QHash<QString, QString> &values);

private:
    void showAdapter();
    QComboBox *m_adapter;
    QHash<QString, QLineEdit *> m_fields;
};

} // namespace vesper::ui
