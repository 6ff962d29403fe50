#pragma once
// The Markdown body of a skill: the coach reads only its "Checklist" section, so it is pulled out
// here once, when the file is loaded, instead of on every request.
#include <QString>
#include <QStringList>

namespace vesper::backend {

/// The list items under the body's "Checklist" heading (any level), without their list markers or
/// task boxes ("- [ ] "), in order; the section ends at the next heading of the same or a higher level.
QStringList checklistOf(const QString &body);

} // namespace vesper::backend
