#pragma once
// vesper-cli's whole run after the command line is read: put the workspace together for the chosen
// server (or the local library the caller has started or attached to), run the command, and return
// its exit code. The program's main (app/cli) only finds the local library.
#include "client/cli/clioptions.h"

#include <optional>

namespace vesper::client::cli {

/// The local library's backend, as app/cli found or started it.
struct LocalLibrary {
    QString baseUrl;
    QString token;
    QString userId;
};

int runCli(const CliOptions &options, const std::optional<LocalLibrary> &local);

} // namespace vesper::client::cli
