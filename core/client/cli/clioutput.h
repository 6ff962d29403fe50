#pragma once
// What vesper-cli prints: plain lines for people, or exactly one JSON document per command with
// --json (for scripts); errors to stderr as one sentence; a progress bar on stderr only when it is a
// terminal and --json is off, so pipes and logs stay clean.
#include <QJsonValue>
#include <QString>
#include <QStringList>

namespace vesper::client::cli {

class CliOutput {
public:
    explicit CliOutput(bool json);

    bool json() const { return m_json; }
    /// A line of text for people (ignored in --json mode).
    void line(const QString &text);
    /// Rows as aligned columns (ignored in --json mode).
    void table(const QList<QStringList> &rows);
    /// The command's one JSON document (only in --json mode).
    void document(const QJsonValue &value);
    /// One sentence on stderr, and in --json mode also {"error", "code"} on stdout.
    void error(const QString &message, int exitCode);
    /// "label [#####.....] done/total"; redrawn in place; done == total ends the line.
    void progress(const QString &label, qint64 done, qint64 total);

private:
    bool m_json;
    bool m_tty;
    bool m_progressOpen = false;
};

} // namespace vesper::client::cli
