#pragma once
// A forward-only JSON text writer for hot responses. QJsonObject builds a sorted CBOR tree and
// then serializes it; writing the text directly is several times cheaper for list pages.
#include <QByteArray>
#include <QString>

namespace vesper {

class JsonWriter {
public:
    explicit JsonWriter(qsizetype reserve = 4096);

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    /// An object key; keys are ASCII literals.
    JsonWriter &key(const char *name);
    JsonWriter &value(const QString &text);
    JsonWriter &value(qint64 number);
    JsonWriter &value(int number) { return value(qint64(number)); }
    JsonWriter &value(bool flag);
    /// ASCII text (without this overload a literal would silently become a bool).
    JsonWriter &value(const char *text) { return value(QString::fromLatin1(text)); }
    JsonWriter &null();
    /// A complete JSON value written elsewhere (an object, an array, a literal).
    JsonWriter &raw(const QByteArray &json);
    /// Object members written elsewhere ("a":1,"b":2), spliced into the open object.
    JsonWriter &rawMembers(const QByteArray &members);

    template <typename T>
    JsonWriter &field(const char *name, const T &v) { return key(name).value(v); }
    JsonWriter &nullField(const char *name) { return key(name).null(); }

    const QByteArray &data() const { return m_out; }
    QByteArray take() { return std::move(m_out); }

private:
    void separate();
    QByteArray m_out;
    bool m_needComma = false;
};

} // namespace vesper
