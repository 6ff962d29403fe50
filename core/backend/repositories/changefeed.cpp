#include "backend/repositories/changefeed.h"
#include "backend/db/database.h"
#include "backend/db/sqlquery.h"
#include "backend/repositories/changewindow.h"
#include "common/jsonwriter.h"

#include <algorithm>
#include <iterator>

namespace vesper::backend {
namespace {
// A page stops after this many windows even when it is not full, so a caller whose rows are rare
// among everyone's revs still gets an answer (hasMore, with progress) in bounded time.
constexpr int kMaxWindows = 32;
// A window spans at most this many times the rows the page still needs: its rows are at most its
// span (revs are unique), so no query ever reads or sorts more than this multiple of what it returns.
constexpr qint64 kMaxSpanFactor = 4;
} // namespace

ChangeFeed::ChangeFeed(Database &database)
    : m_database(database)
{
}

qint64 ChangeFeed::head()
{
    // Writers take this row's lock to allocate revs and hold it to commit (Transaction), so every
    // rev up to the value read here is committed and visible to the queries that follow.
    SqlQuery q(m_database.connection(), QStringLiteral("SELECT value FROM rev_counter WHERE id = 1"));
    q.exec();
    return q.next() ? q.int64(0) : 0;
}

ChangePage ChangeFeed::read(const QString &userId, qint64 since, int limit)
{
    const qint64 end = head();
    ChangeWindow window(m_database, userId);
    std::vector<FeedChange> changes;
    changes.reserve(size_t(limit));
    qint64 position = since; // every change up to here is in `changes`
    qint64 factor = 1;
    bool cut = false;
    for (int windows = 0; windows < kMaxWindows && position < end && int(changes.size()) < limit; ++windows) {
        const int remaining = limit - int(changes.size());
        const qint64 hi = std::min(end, position + qint64(remaining) * factor);
        std::vector<FeedChange> found;
        const bool complete = window.read(position, hi, remaining, &found);
        std::sort(found.begin(), found.end(), [](const FeedChange &a, const FeedChange &b) { return a.rev < b.rev; });
        if (!complete || int(found.size()) > remaining) {
            // More in this window than the page holds: keep the first `remaining` in rev order. Each
            // source returned its first `remaining`, so these are the window's first `remaining`.
            found.resize(size_t(remaining));
            position = found.back().rev;
            changes.insert(changes.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
            cut = true;
            break;
        }
        // Sparse windows (other users' revs) grow the next one; dense ones keep it at what is needed.
        if (int(found.size()) * 2 < remaining)
            factor = std::min(factor * 2, kMaxSpanFactor);
        changes.insert(changes.end(), std::make_move_iterator(found.begin()), std::make_move_iterator(found.end()));
        position = hi;
    }

    ChangePage page;
    page.nextSince = std::max(position, since);
    page.hasMore = cut || position < end;
    JsonWriter w(qsizetype(changes.size()) * 700 + 16);
    w.beginArray();
    for (const FeedChange &change : changes) {
        w.raw(change.json);
        ++page.count;
    }
    w.endArray();
    page.changes = w.take();
    return page;
}

} // namespace vesper::backend
