#pragma once
// A refusal or failure raised below the HTTP layer: a stable code, a message safe to show, and an
// optional retry-after. Services, access control and routes throw it; the HTTP dispatcher alone turns
// the code into a status (backend/http/errorstatus.h). It never crosses a Qt signal.
#include "domain/errorcode.h"

#include <QJsonObject>
#include <QString>
#include <exception>

namespace vesper {

class DomainError : public std::exception {
public:
    DomainError(ErrorCode code, QString message, int retryAfterSeconds = 0)
        : m_code(code), m_message(std::move(message)), m_retryAfter(retryAfterSeconds) {}

    static DomainError validation(const QString &message) { return {ErrorCode::Validation, message}; }
    static DomainError unauthorized(const QString &message = QStringLiteral("missing or invalid access token")) { return {ErrorCode::Unauthorized, message}; }
    static DomainError forbidden(const QString &message = QStringLiteral("not allowed")) { return {ErrorCode::Forbidden, message}; }
    static DomainError notFound(const QString &what = QStringLiteral("resource")) { return {ErrorCode::NotFound, what + QStringLiteral(" not found")}; }
    static DomainError conflict(const QString &message) { return {ErrorCode::Conflict, message}; }
    static DomainError rateLimited(int retryAfter) { return {ErrorCode::RateLimited, QStringLiteral("too many requests"), retryAfter}; }
    static DomainError internal(const QString &message = QStringLiteral("internal error")) { return {ErrorCode::Internal, message}; }

    ErrorCode code() const { return m_code; }
    /// The wire name of the code, e.g. "NOT_FOUND".
    QString codeName() const { return errorCodeName(m_code); }
    const QString &message() const { return m_message; }
    int retryAfterSeconds() const { return m_retryAfter; }
    /// Extra members of the error body (a stale If-Match carries the current row as "current").
    const QJsonObject &details() const { return m_details; }
    DomainError &withDetails(QJsonObject details) { m_details = std::move(details); return *this; }
    const char *what() const noexcept override { return "DomainError"; }

private:
    ErrorCode m_code;
    QString m_message;
    int m_retryAfter;
    QJsonObject m_details;
};

} // namespace vesper
