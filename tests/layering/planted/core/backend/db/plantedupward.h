#pragma once
// A planted upward include for the layering check (ctest layering_includes_planted, WILL_FAIL):
// db, the bottom of the backend, includes routes, near its top, in angle brackets, which the
// check once missed. Never compiled; the check reads it as it reads core/.
#include <QString>
#include <backend/routes/routes.h>
