#pragma once
// The one mapping from the API's error codes to HTTP statuses (DESIGN §4). Nothing else in the
// backend knows a status for a domain error.
#include "domain/errorcode.h"

namespace vesper::backend {

int httpStatusOf(ErrorCode code);

} // namespace vesper::backend
