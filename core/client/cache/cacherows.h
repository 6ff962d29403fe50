#pragma once
// Generations and outputs as cache columns: the SELECT list and the reader that builds the domain
// value from it, shared by CacheStore's lists and its writer, so the big lists never parse JSON.
#include "domain/generation.h"
#include "domain/output.h"

#include <QSqlQuery>
#include <QString>

namespace vesper::client::cacherows {

/// "g.id, g.session_id, ..., g.pending": kGenerationColumnCount columns of the generations table.
QString generationColumns(const QString &alias = QStringLiteral("g"));
constexpr int kGenerationColumnCount = 17;
/// The generation in the row's columns first..first+16 (outputs not set); *pending from its flag.
Generation generationAt(const QSqlQuery &q, int first, bool *pending = nullptr);

/// "o.id, ..., o.pending": kOutputColumnCount columns of the outputs table.
QString outputColumns(const QString &alias = QStringLiteral("o"));
constexpr int kOutputColumnCount = 11;
Output outputAt(const QSqlQuery &q, int first, bool *pending = nullptr);

} // namespace vesper::client::cacherows
