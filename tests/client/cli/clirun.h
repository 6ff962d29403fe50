#pragma once
// Runs the real vesper-cli binary for a test, with its cache, config and data folders inside the
// test's temporary folder, and returns what it printed and how it exited.
#include <QByteArray>
#include <QJsonDocument>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <memory>

class QProcess;

namespace vesper::test {

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    /// stdout parsed as the command's one JSON document.
    QJsonDocument json() const { return QJsonDocument::fromJson(out); }
};

class CliRunner {
public:
    /// root: a folder for the CLI's cache/, config/ and data/ (and XDG folders).
    explicit CliRunner(QString root);
    void setServer(const QString &url) { m_server = url; }
    QString cacheDir() const { return m_root + QStringLiteral("/cache"); }
    QString configDir() const { return m_root + QStringLiteral("/config"); }
    QString dataDir() const { return m_root + QStringLiteral("/data"); }
    /// Runs vesper-cli with the folder options (and --server when set) before args.
    CliRun run(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 120000) const;
    /// Starts vesper-cli without waiting (for crash tests); input is written and stdin closed.
    std::unique_ptr<QProcess> start(const QStringList &args, const QByteArray &input = {}) const;

private:
    QString m_root;
    QString m_server;
};

} // namespace vesper::test
