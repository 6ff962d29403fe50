#pragma once
// Where ApiClient gets its bearer token: an AuthSession (client/auth, which this folder may not
// include) or a fixed token for the embedded backend. An interface so net/ stays below auth/.
#include <QString>

namespace vesper::client {

class TokenSource {
public:
    virtual ~TokenSource() = default;
    /// The access token to send now (refreshed first when close to expiry); empty when signed out.
    virtual QString accessToken() = 0;
    /// The server refused `rejected` with 401: refresh (one refresh shared by every caller) and
    /// return the token to retry with, or empty when the session has ended.
    virtual QString refreshAfterRejection(const QString &rejected) = 0;
};

/// A token that never changes (the embedded backend's per-launch token, tests).
class FixedTokenSource : public TokenSource {
public:
    explicit FixedTokenSource(QString token) : m_token(std::move(token)) {}
    QString accessToken() override { return m_token; }
    QString refreshAfterRejection(const QString &) override { return QString(); }

private:
    QString m_token;
};

} // namespace vesper::client
