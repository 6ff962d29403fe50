#include "backend/http/ifmatch.h"
#include "backend/http/httpmessage.h"
#include "domain/domainerror.h"

namespace vesper::backend::ifmatch {

std::optional<long long> expectedRev(const HttpRequest &request)
{
    if (!request.headers.contains("if-match"))
        return std::nullopt;
    QByteArray value = request.header("if-match").trimmed();
    if (value == "*")
        return std::nullopt; // any current row: the access check already found it
    if (value.size() >= 2 && value.startsWith('"') && value.endsWith('"'))
        value = value.mid(1, value.size() - 2);
    bool ok = !value.isEmpty() && value.size() <= 19;
    for (char c : value)
        ok = ok && c >= '0' && c <= '9';
    const long long rev = ok ? value.toLongLong(&ok) : 0;
    if (!ok)
        throw DomainError::validation(QStringLiteral("If-Match must be the row's rev, a whole number such as 42"));
    return rev;
}

} // namespace vesper::backend::ifmatch
