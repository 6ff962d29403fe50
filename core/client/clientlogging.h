#pragma once
// The client core's logging categories, one per area: `QT_LOGGING_RULES="vesper.client.sync.debug=true"`
// turns on exactly one. Kept here rather than in common/logging.h so the backend never sees them.
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcClientNet)
Q_DECLARE_LOGGING_CATEGORY(lcClientAuth)
Q_DECLARE_LOGGING_CATEGORY(lcClientCache)
Q_DECLARE_LOGGING_CATEGORY(lcClientSync)
Q_DECLARE_LOGGING_CATEGORY(lcClientThumbs)
Q_DECLARE_LOGGING_CATEGORY(lcClientTracker)
Q_DECLARE_LOGGING_CATEGORY(lcClientAssistant)
