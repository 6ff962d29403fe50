#pragma once
// Settings ▸ Storage: how much the open account's cache takes on disk; a project made available
// offline (its pictures downloaded now, progress in the status bar); and Clear cache (after a
// confirmation that counts the writes waiting to be sent: they are lost with it; nobody is signed
// out and everything else comes back with the next sync).
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace vesper::ui {

class ConnectionManager;

class StorageTab : public QWidget {
    Q_OBJECT
public:
    explicit StorageTab(ConnectionManager *connections, QWidget *parent = nullptr);
    /// Measures the cache off the GUI thread.
    void measure();
    QString sizeText() const;
    QComboBox *offlineProjectPicker() const { return m_offlineProject; }
    QPushButton *offlineButton() const { return m_offline; }
    /// What Clear cache's confirmation says (it names the writes that would be lost).
    QString clearQuestion() const;

private:
    void fillOfflineProjects();

    ConnectionManager *m_connections;
    QLabel *m_size;
    QComboBox *m_offlineProject;
    QPushButton *m_offline;
};

} // namespace vesper::ui
