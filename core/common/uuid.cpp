#include "common/uuid.h"
#include "common/clock.h"

#include <QRandomGenerator>
#include <atomic>

namespace vesper {
namespace {
std::atomic<quint64> g_lastStamp{0};

QString hex(quint64 value, int digits)
{
    return QStringLiteral("%1").arg(value, digits, 16, QLatin1Char('0'));
}
} // namespace

QString newUuidV7()
{
    // Combine milliseconds with a 12-bit counter in rand_a; bump the pair atomically so ids from
    // one process stay strictly increasing even within one millisecond.
    const quint64 ms = quint64(nowMicros() / 1000);
    quint64 stamp = ms << 12;
    quint64 last = g_lastStamp.load();
    for (;;) {
        const quint64 next = stamp > last ? stamp : last + 1;
        if (g_lastStamp.compare_exchange_weak(last, next)) {
            stamp = next;
            break;
        }
    }
    const quint64 timeMs = stamp >> 12;
    const quint64 counter = stamp & 0xfff;
    const quint64 randomBits = QRandomGenerator::global()->generate64();
    const quint64 variantAndRand = (randomBits & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
    return hex(timeMs >> 16, 8) + QLatin1Char('-') + hex(timeMs & 0xffff, 4) + QLatin1Char('-')
        + hex(0x7000 | counter, 4) + QLatin1Char('-') + hex(variantAndRand >> 48, 4)
        + QLatin1Char('-') + hex(variantAndRand & 0xffffffffffffULL, 12);
}

bool isUuid(const QString &text)
{
    if (text.size() != 36)
        return false;
    for (int i = 0; i < 36; ++i) {
        const QChar c = text.at(i);
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != QLatin1Char('-'))
                return false;
        } else if (!((c >= QLatin1Char('0') && c <= QLatin1Char('9'))
                       || (c >= QLatin1Char('a') && c <= QLatin1Char('f'))
                       || (c >= QLatin1Char('A') && c <= QLatin1Char('F')))) {
            return false;
        }
    }
    return true;
}
} // namespace vesper
