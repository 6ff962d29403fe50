#pragma once
// An API failure with its HTTP status and stable code (DESIGN §4). Route code throws it; the
// dispatcher catches it and writes {"error": message, "code": code}. It never crosses a signal.
#include <QString>
#include <exception>

namespace vesper::backend {

class ApiError : public std::exception {
public:
    ApiError(int status, QString code, QString message, int retryAfterSeconds = 0)
        : m_status(status), m_code(std::move(code)), m_message(std::move(message)), m_retryAfter(retryAfterSeconds) {}

    static ApiError validation(const QString &message) { return {400, QStringLiteral("VALIDATION_ERROR"), message}; }
    static ApiError unauthorized(const QString &message = QStringLiteral("missing or invalid access token")) { return {401, QStringLiteral("UNAUTHORIZED"), message}; }
    static ApiError forbidden(const QString &message = QStringLiteral("not allowed")) { return {403, QStringLiteral("FORBIDDEN"), message}; }
    static ApiError notFound(const QString &what = QStringLiteral("resource")) { return {404, QStringLiteral("NOT_FOUND"), what + QStringLiteral(" not found")}; }
    static ApiError conflict(const QString &message) { return {409, QStringLiteral("CONFLICT"), message}; }
    static ApiError rateLimited(int retryAfter) { return {429, QStringLiteral("RATE_LIMITED"), QStringLiteral("too many requests"), retryAfter}; }

    int status() const { return m_status; }
    const QString &code() const { return m_code; }
    const QString &message() const { return m_message; }
    int retryAfterSeconds() const { return m_retryAfter; }
    const char *what() const noexcept override { return "ApiError"; }

private:
    int m_status;
    QString m_code;
    QString m_message;
    int m_retryAfter;
};

} // namespace vesper::backend
