#pragma once
// The column lists and JSON shapes of projects, sessions, generations and outputs, written once:
// the list endpoints, the details and the changes feed all read rows through these.
#include <QJsonObject>
#include <QString>

namespace vesper::backend {

class Database;
class SqlQuery;

namespace rowcodec {
/// "p.id, ..." for a projects row aliased p, its owner profile aliased o and its project_stats
/// row aliased st (13 columns).
QString projectColumns(const Database &d);
constexpr int kProjectColumnCount = 13;
/// Reads projectColumns at offset; role ("owner", "editor", "viewer") picks which counts it sees.
QJsonObject project(const SqlQuery &q, int offset, const QString &role);
/// The FROM clause that projectColumns expects, for projects aliased p.
QString projectJoins();

QString sessionColumns(const Database &d); // alias s
constexpr int kSessionColumnCount = 8;
QJsonObject session(const SqlQuery &q, int offset = 0);

QString generationColumns(const Database &d); // alias g
constexpr int kGenerationColumnCount = 16;
QJsonObject generation(const SqlQuery &q, int offset = 0);

QString outputColumns(const Database &d); // alias o2
constexpr int kOutputColumnCount = 8;
QJsonObject output(const SqlQuery &q, int offset = 0);

QString thumbnailUrl(const QString &outputId);
QString fileUrl(const QString &outputId);
}

} // namespace vesper::backend
