#include "client/clientlogging.h"

Q_LOGGING_CATEGORY(lcClientNet, "vesper.client.net")
Q_LOGGING_CATEGORY(lcClientAuth, "vesper.client.auth")
Q_LOGGING_CATEGORY(lcClientCache, "vesper.client.cache")
Q_LOGGING_CATEGORY(lcClientSync, "vesper.client.sync")
Q_LOGGING_CATEGORY(lcClientThumbs, "vesper.client.thumbs")
Q_LOGGING_CATEGORY(lcClientTracker, "vesper.client.tracker")
Q_LOGGING_CATEGORY(lcClientAssistant, "vesper.client.assistant")
