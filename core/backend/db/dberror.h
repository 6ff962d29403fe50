#pragma once
// A database failure inside a request or command. It never crosses a Qt signal: the HTTP
// dispatcher and the command-line entry points catch it and turn it into a 500 or an exit code.
#include <QString>
#include <exception>

namespace vesper::backend {

class DbError : public std::exception {
public:
    explicit DbError(QString message, bool conflict = false)
        : m_message(std::move(message)), m_conflict(conflict), m_utf8(m_message.toUtf8()) {}
    const QString &message() const { return m_message; }
    /// A unique or foreign-key violation rather than a broken database.
    bool isConstraint() const { return m_conflict; }
    const char *what() const noexcept override { return m_utf8.constData(); }

private:
    QString m_message;
    bool m_conflict;
    QByteArray m_utf8;
};

} // namespace vesper::backend
