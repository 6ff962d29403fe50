#pragma once
// The local library's first run: a "Welcome" project with one session and three `sketch` pictures,
// queued through the outbox like any user's write, so the first window already shows images. Done
// once per data folder (remembered in QSettings), or never when the cache already holds projects
// (the shell asks after the first sync, so a library vesper-cli filled gets no welcome).
#include <QString>

namespace vesper::client {
class Workspace;
}

namespace vesper::ui {

class WelcomeSeeder {
public:
    /// The model the prompt bar selects by default (QSettings "promptBar/model" until the user picks one).
    static QString defaultModelId() { return QStringLiteral("sketch"); }

    /// Queues the welcome project when it is due for dataDir; true when something was queued (the
    /// caller then submits the writes). error set when a write could not be queued.
    static bool seedIfFirstRun(client::Workspace &workspace, const QString &dataDir, QString *error);
    /// Whether the welcome project was made (or skipped) for dataDir already.
    static bool isDone(const QString &dataDir);
};

} // namespace vesper::ui
