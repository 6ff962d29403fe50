#pragma once
// The planted fixture's clean twin (ctest layering_includes_clean): the same spelling, downward
// (routes includes db), passes, so the planted run fails for its upward include and nothing else.
// Never compiled; the check reads it as it reads core/.
#include <QString>
#include <backend/db/database.h>
