#pragma once
// Shared by the list models: where a changed row belongs among rows already sorted, and whether a
// row lies inside the range the loaded keyset pages cover, so an update becomes one insert, move,
// change or removal instead of a reset.
#include "domain/cursor.h"

#include <QString>
#include <optional>

namespace vesper::client::sortedrows {

/// The row a value takes among count sorted rows with row `skip` left out (-1: none), where
/// before(k) says whether row k sorts before the value. The answer counts rows, skip excluded.
template <class Before>
int insertionRow(int count, int skip, Before before)
{
    int low = 0, high = skip >= 0 ? count - 1 : count; // over the rows without skip
    while (low < high) {
        const int mid = (low + high) / 2;
        const int actual = skip >= 0 && mid >= skip ? mid + 1 : mid;
        if (before(actual))
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/// The sort key a keyset cursor ends at (nullopt: the cursor is empty or not a keyset cursor).
inline std::optional<Cursor> boundary(const QString &cursor)
{
    return cursor.isEmpty() ? std::nullopt : Cursor::decode(cursor);
}

/// Whether (time, id) sorts before or at the boundary in a newest-first list (time desc, id desc).
inline bool newestFirstCovers(const std::optional<Cursor> &edge, qint64 time, const QString &id)
{
    if (!edge)
        return true;
    return time != edge->timeMicros ? time > edge->timeMicros : id >= edge->id;
}

/// Whether (time, id) sorts before row (time2, id2) in a newest-first list.
inline bool newestFirstBefore(qint64 time, const QString &id, qint64 time2, const QString &id2)
{
    return time != time2 ? time > time2 : id > id2;
}

} // namespace vesper::client::sortedrows
