#pragma once
// Reads a password without it ever touching the command line: from a terminal with echo turned off,
// or as the first line of stdin with --password-stdin (for scripts: `pass show x | vesper-cli login ...`).
#include <QString>
#include <optional>

namespace vesper::client::cli {

/// The password, or nullopt with *error one sentence (no terminal and no --password-stdin, or empty).
std::optional<QString> readPassword(bool fromStdin, QString *error);

} // namespace vesper::client::cli
