// EmbeddedBackend::attach: the CLI reaching the desktop app's running backend. The token is minted
// here from the library's own JWT secret (a file only this user can read), so nothing secret crosses
// between the processes and no token is ever written to disk.
#include "backend/auth/jwtcodec.h"
#include "backend/server/embeddedbackend.h"
#include "backend/server/librarylock.h"
#include "common/clock.h"

#include <QFile>
#include <QJsonObject>

namespace vesper::backend {

std::optional<EmbeddedAttachment> EmbeddedBackend::attach(const QString &dataDir, QString *error)
{
    const std::optional<LibraryEndpoint> endpoint = LibraryLock::running(dataDir);
    if (!endpoint)
        return std::nullopt;
    QFile secretFile(dataDir + QStringLiteral("/jwt-secret"));
    if (!secretFile.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("the library in %1 is in use, but its secret is unreadable: %2").arg(dataDir, secretFile.errorString());
        return std::nullopt;
    }
    const QByteArray secret = secretFile.readAll().trimmed();
    const BackendSettings defaults;
    const JwtCodec jwt(secret, defaults.jwtAudience);
    const qint64 now = vesper::nowMicros() / 1000000;
    EmbeddedAttachment attachment;
    attachment.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(endpoint->port);
    attachment.localUserId = endpoint->localUserId;
    attachment.accessToken = jwt.sign(QJsonObject{{QStringLiteral("sub"), endpoint->localUserId},
                                                  {QStringLiteral("aud"), defaults.jwtAudience},
                                                  {QStringLiteral("role"), QStringLiteral("authenticated")},
                                                  {QStringLiteral("iat"), now},
                                                  {QStringLiteral("exp"), now + 3600}});
    return attachment;
}

} // namespace vesper::backend
