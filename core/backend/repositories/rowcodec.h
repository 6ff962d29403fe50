#pragma once
// The column lists and JSON shapes of projects, sessions, generations and outputs, written once:
// the list endpoints, the details and the changes feed all read rows through these. Each
// *Fields function writes the members of one object into an open JsonWriter object.
#include <QString>

namespace vesper {
class JsonWriter;
}

namespace vesper::backend {

class Database;
class SqlQuery;

namespace rowcodec {
/// Columns of a projects row aliased p, its owner profile aliased o and its project_stats row
/// aliased st (15 columns, p.rev and p.shared_rev last); projectJoins() is the FROM part they expect
/// after "projects p". Every object carries "rev", the value If-Match takes (and the feed's rev of the
/// row): the owner's p.rev, members' p.shared_rev (which moves only with what members see).
QString projectColumns(const Database &d);
QString projectJoins();
constexpr int kProjectColumnCount = 15;
constexpr int kProjectUpdatedAtColumn = 6;
/// role ("owner", "editor", "viewer") picks which half of the read model the caller sees.
void projectFields(JsonWriter &w, const SqlQuery &q, int offset, const QString &role);

QString sessionColumns(const Database &d); // alias s
constexpr int kSessionColumnCount = 9;
void sessionFields(JsonWriter &w, const SqlQuery &q, int offset = 0);

QString generationColumns(const Database &d); // alias g
constexpr int kGenerationColumnCount = 18;
constexpr int kGenerationCreatedAtColumn = 13;
/// viewerId is the caller: "clientId" is written only when they created the generation.
void generationFields(JsonWriter &w, const SqlQuery &q, const QString &viewerId, int offset = 0);

QString outputColumns(const Database &d); // alias o2
constexpr int kOutputColumnCount = 9;
constexpr int kOutputCreatedAtColumn = 7;
void outputFields(JsonWriter &w, const SqlQuery &q, int offset = 0);

QString thumbnailUrl(const QString &outputId);
QString fileUrl(const QString &outputId);
}

} // namespace vesper::backend
