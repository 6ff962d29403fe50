#pragma once
// Which characters a name or an email address may hold (issue 13). A name is shown to other people:
// control characters and the bidirectional overrides, embeddings, isolates and marks make it read
// differently from what it holds ("invoice‮gpj.exe" shows as "invoiceexe.jpg"). An email address
// is an identity: invisible characters would let two accounts look the same. Shared so a client
// can check before it sends.
#include <QString>

namespace vesper::textrules {

/// Empty when `name` may be stored as a name, else one sentence naming the first offending character.
/// Refused: control characters (C0, DEL, C1) and U+200E/F, U+202A–U+202E, U+2066–U+2069. Kept:
/// zero-width joiners (emoji sequences and several scripts need them) and right-to-left letters.
QString nameProblem(const QString &name);

/// The same for a new email address: control characters and every invisible format character
/// (zero-width U+200B–U+200D, U+FEFF, the bidirectional ones, soft hyphen …) are refused.
QString emailProblem(const QString &email);

} // namespace vesper::textrules
