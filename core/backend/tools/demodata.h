#pragma once
// The demo account and project the README's run command starts with.
#include <QString>

namespace vesper::backend {

class Database;
struct BackendSettings;

struct DemoAccount {
    QString email;
    QString password;
    QString projectName;
};

/// Creates demo@vesper.local with a project, a session and a few placeholder generations if missing.
DemoAccount ensureDemoData(Database &database, const BackendSettings &config);

} // namespace vesper::backend
