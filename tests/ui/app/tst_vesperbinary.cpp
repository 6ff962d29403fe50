// The vesper binary as a user starts it: with no display it says so in one line (naming the binary
// as it was started) and exits 2 (before
// any window or backend exists); with --screenshot on the offscreen platform it starts its embedded
// backend on a fresh data folder, paints the first gallery and writes a PNG of the window.
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

class TestVesperBinary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void noDisplayOneLine()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        QProcess vesper;
        vesper.setProcessEnvironment(env);
        vesper.start(QStringLiteral(VESPER_BINARY), {});
        QVERIFY(vesper.waitForFinished(20000));
        QCOMPARE(vesper.exitStatus(), QProcess::NormalExit);
        QCOMPARE(vesper.exitCode(), 2);
        const QString out = QString::fromUtf8(vesper.readAllStandardError() + vesper.readAllStandardOutput()).trimmed();
        // The line names the binary as it was started, so it can be pasted as it stands.
        QCOMPARE(out, QStringLiteral("vesper: no display found; run it under a virtual display: xvfb-run -a %1, "
                                     "or use vesper-server and vesper-cli").arg(QStringLiteral(VESPER_BINARY)));
    }

    void screenshotOffscreen()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("cache")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("share")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("unix:path=/nonexistent/vesper-no-bus"));
        const QString shot = dir.filePath(QStringLiteral("shot.png"));
        QProcess vesper;
        vesper.setProcessEnvironment(env);
        vesper.setProcessChannelMode(QProcess::MergedChannels);
        vesper.start(QStringLiteral(VESPER_BINARY), {QStringLiteral("--data-dir"), dir.filePath(QStringLiteral("data")),
                                                     QStringLiteral("--screenshot"), shot});
        QVERIFY(vesper.waitForFinished(60000));
        const QByteArray log = vesper.readAll();
        QVERIFY2(vesper.exitStatus() == QProcess::NormalExit && vesper.exitCode() == 0, log.constData());
        const QImage image(shot);
        QVERIFY2(!image.isNull(), "the screenshot is not a readable PNG");
        QVERIFY2(image.width() >= 800 && image.height() >= 500, qPrintable(QStringLiteral("%1x%2").arg(image.width()).arg(image.height())));
        QVERIFY(image.width() <= 4000 && image.height() <= 3000);
        // Something was painted: not one flat colour.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 4, "the screenshot is blank");
        // The embedded backend made the library in the data folder.
        QVERIFY(QFileInfo::exists(dir.filePath(QStringLiteral("data"))));
    }
};

QTEST_GUILESS_MAIN(TestVesperBinary)
#include "tst_vesperbinary.moc"
