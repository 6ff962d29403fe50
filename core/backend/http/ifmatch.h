#pragma once
// Reading the If-Match header of PATCH and DELETE: the row's `rev` as its JSON shows it, bare
// (If-Match: 42) or as an entity tag (If-Match: "42"). A malformed header is refused, never ignored.
#include <optional>

namespace vesper::backend {

struct HttpRequest;

namespace ifmatch {
/// The rev the client last saw; nullopt when there is no header or it is "*"; 400 when malformed.
std::optional<long long> expectedRev(const HttpRequest &request);
}

} // namespace vesper::backend
