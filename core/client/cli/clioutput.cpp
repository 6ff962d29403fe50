#include "client/cli/clioutput.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <cstdio>
#include <unistd.h>

namespace vesper::client::cli {

CliOutput::CliOutput(bool json)
    : m_json(json)
    , m_tty(isatty(fileno(stderr)) == 1)
{
}

void CliOutput::line(const QString &text)
{
    if (m_json)
        return;
    std::fputs(text.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void CliOutput::table(const QList<QStringList> &rows)
{
    if (m_json)
        return;
    QList<qsizetype> widths;
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (widths.size() <= i)
                widths.append(0);
            widths[i] = qMax(widths[i], qMin<qsizetype>(row.at(i).size(), 60));
        }
    }
    for (const QStringList &row : rows) {
        QString text;
        for (qsizetype i = 0; i < row.size(); ++i) {
            QString cell = row.at(i);
            if (cell.size() > 60)
                cell = cell.left(59) + QChar(0x2026);
            text += i + 1 < row.size() ? cell.leftJustified(widths[i] + 2) : cell;
        }
        line(text);
    }
}

void CliOutput::document(const QJsonValue &value)
{
    if (!m_json)
        return;
    const QByteArray text = value.isObject() ? QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    std::fputs(text.constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void CliOutput::error(const QString &message, int exitCode)
{
    if (m_progressOpen) {
        std::fputc('\n', stderr);
        m_progressOpen = false;
    }
    std::fprintf(stderr, "vesper-cli: %s\n", message.toUtf8().constData());
    if (m_json)
        document(QJsonObject{{QStringLiteral("error"), message}, {QStringLiteral("exitCode"), exitCode}});
}

void CliOutput::progress(const QString &label, qint64 done, qint64 total)
{
    if (m_json || !m_tty)
        return;
    constexpr int width = 30;
    const int filled = total > 0 ? int(qMin<qint64>(width, done * width / total)) : 0;
    const QString bar = QString(filled, QLatin1Char('#')) + QString(width - filled, QLatin1Char('.'));
    const QString text = total > 0 ? QStringLiteral("\r%1 [%2] %3/%4").arg(label, bar).arg(done).arg(total)
                                   : QStringLiteral("\r%1 %2").arg(label).arg(done);
    std::fputs(text.toUtf8().constData(), stderr);
    m_progressOpen = !(total > 0 && done >= total);
    if (!m_progressOpen)
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

} // namespace vesper::client::cli
