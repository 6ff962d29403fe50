#pragma once
// What the two Gemini test suites share: the model and prompt they ask for, a progress sink for
// in-process calls, test images, and the provider settings that point at the fake.
#include "fakegemini.h"

#include "backend/providers/geminiprovider.h"

#include <QBuffer>
#include <QColor>
#include <QElapsedTimer>
#include <QImage>

namespace vesper::test {

inline const QString kModel = QStringLiteral("gemini-image");
inline const QString kPrompt = QStringLiteral("a lighthouse at dusk, watercolour");

/// The job's sink for in-process calls: cancels itself after cancelAfterMs (0: never).
class TimedSink : public vesper::backend::ProgressSink {
public:
    explicit TimedSink(qint64 cancelAfterMs = 0) : m_cancelAfterMs(cancelAfterMs) { m_clock.start(); }
    void progress(int percent, bool estimate) override { reports.append({percent, estimate}); }
    bool cancelled() const override { return m_cancelAfterMs > 0 && m_clock.elapsed() > m_cancelAfterMs; }
    QList<QPair<int, bool>> reports;

private:
    qint64 m_cancelAfterMs;
    QElapsedTimer m_clock;
};

/// An image of one colour, encoded in format.
inline QByteArray encoded(const QSize &size, QColor colour, const char *format)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(colour);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

/// Provider settings that send Gemini calls to the fake, with its key.
inline vesper::backend::ProviderSettings geminiSettings(const FakeGemini &fake)
{
    vesper::backend::ProviderSettings s;
    s.geminiUrl = fake.baseUrl();
    s.geminiKey = FakeGemini::key();
    s.timeoutSeconds = 10;
    return s;
}

} // namespace vesper::test
