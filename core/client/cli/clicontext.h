#pragma once
// What every vesper-cli command gets: its options, where it prints, and the open workspace (server,
// account, cache). Commands return an exit code; they never exit the process themselves.
#include "client/cli/cliexit.h"
#include "client/cli/clioptions.h"
#include "client/cli/clioutput.h"

namespace vesper::client {
class Workspace;
}

namespace vesper::client::cli {

struct CliContext {
    const CliOptions &options;
    CliOutput &out;
    Workspace &workspace;

    /// Sends queued writes and brings the cache up to date; when the server cannot be reached, says
    /// so on stderr and returns false (the caller then shows what the cache has). Offline: no-op.
    bool refresh(bool showProgress = false);
    /// A project by id or exact name, from the cache; empty when none.
    QString resolveProject(const QString &idOrName);
    /// A session by id, or "PROJECT/SESSION" names; empty when none.
    QString resolveSession(const QString &idOrPath);
    /// Prints error and returns its exit code.
    int fail(const ApiError &error);
    int fail(const QString &message, ExitCode code);
};

// The commands, one function each (clibrowse.cpp, cliwrite.cpp, cliexport.cpp, cliassistant.cpp, clirunner.cpp).
int runStatus(CliContext &c);
int runWhoami(CliContext &c);
int runSync(CliContext &c);
int runProjects(CliContext &c);
int runSessions(CliContext &c);
int runGenerations(CliContext &c);
int runSearch(CliContext &c);
int runNewProject(CliContext &c);
int runNewSession(CliContext &c);
int runGenerate(CliContext &c);
int runExport(CliContext &c);
int runEnhance(CliContext &c);

} // namespace vesper::client::cli
