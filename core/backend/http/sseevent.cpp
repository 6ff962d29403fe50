#include "backend/http/sseevent.h"

namespace vesper::backend {
namespace {
/// A field value on one line: a stray line break would end the field early or forge another.
QByteArray oneLine(const QByteArray &value)
{
    QByteArray out = value;
    out.replace('\r', ' ').replace('\n', ' ');
    return out;
}
} // namespace

QByteArray SseEvent::encode() const
{
    QByteArray out;
    out.reserve(data.size() + id.size() + event.size() + 32);
    if (!event.isEmpty())
        out.append("event: ").append(oneLine(event)).append('\n');
    if (!id.isEmpty())
        out.append("id: ").append(oneLine(id)).append('\n');
    if (retryMs >= 0)
        out.append("retry: ").append(QByteArray::number(retryMs)).append('\n');
    if (data.isNull()) // no event to dispatch: only id / retry
        return out.append('\n');
    // Every line of the data gets its own field; the client joins them with \n again.
    qsizetype start = 0;
    const qsizetype size = data.size();
    while (true) {
        qsizetype end = start;
        while (end < size && data[end] != '\n' && data[end] != '\r')
            ++end;
        out.append("data: ").append(data.constData() + start, end - start).append('\n');
        if (end >= size)
            break;
        start = end + ((data[end] == '\r' && end + 1 < size && data[end + 1] == '\n') ? 2 : 1);
    }
    out.append('\n');
    return out;
}

QByteArray SseEvent::comment(const QByteArray &text)
{
    QByteArray out(":");
    if (!text.isEmpty())
        out.append(' ').append(oneLine(text));
    return out.append("\n\n");
}

} // namespace vesper::backend
