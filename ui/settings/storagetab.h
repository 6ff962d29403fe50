#pragma once
// Settings ▸ Storage: how much the open account's cache takes on disk and Clear cache (after a
// confirmation: it cannot be undone, though everything comes back with the next sync; nobody is
// signed out and writes waiting to be sent are lost with it).
#include <QWidget>

class QLabel;

namespace vesper::ui {

class ConnectionManager;

class StorageTab : public QWidget {
    Q_OBJECT
public:
    explicit StorageTab(ConnectionManager *connections, QWidget *parent = nullptr);
    /// Measures the cache off the GUI thread.
    void measure();
    QString sizeText() const;

private:
    ConnectionManager *m_connections;
    QLabel *m_size;
};

} // namespace vesper::ui
