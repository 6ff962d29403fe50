#pragma once
// Settings ▸ Providers: where the local library's backend finds A1111 and ComfyUI, and the Gemini
// and Replicate keys, and which assistant answers (AssistantGroup). Values live in the OS keychain only (ProviderKeyStore); Save stores them and
// applies them to the running backend at once. A team server keeps its own: the tab says so.
#include "ui/app/locallibrary.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;

namespace vesper::ui {

class AssistantGroup;

class ProvidersTab : public QWidget {
    Q_OBJECT
public:
    /// library: null when a team server is open (the fields are then disabled).
    ProvidersTab(const LocalLibrary *library, const QString &keychainService, QWidget *parent = nullptr);

    /// The line edit for a ProviderKeyStore::fieldNames() entry (null for assistantAdapter).
    QLineEdit *field(const QString &name) const;
    AssistantGroup *assistantGroup() const { return m_assistant; }
    QHash<QString, QString> values() const;
    /// Reads the keychain off the GUI thread; loaded follows.
    void load();
    /// Writes the keychain off the GUI thread, then applies to the backend; saved follows.
    void save();

Q_SIGNALS:
    void loaded(const QString &error);
    void saved(const QString &error);

private:
    void setBusy(bool busy, const QString &note);
    std::optional<LocalLibrary> m_library;
    QString m_service;
    QHash<QString, QLineEdit *> m_fields;
    AssistantGroup *m_assistant;
    QLabel *m_note;
    QPushButton *m_save;
};

} // namespace vesper::ui
