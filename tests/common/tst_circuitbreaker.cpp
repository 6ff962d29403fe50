// The provider circuit breaker: opens after the threshold, lets one probe through after the
// cooldown, closes on a successful probe and reopens on a failed one.
#include "common/circuitbreaker.h"

#include <QTest>

using namespace vesper;

class TestCircuitBreaker : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void opensAfterThresholdAndProbes()
    {
        CircuitBreakers breakers(3, 1000);
        const QString key = QStringLiteral("a1111");
        for (int i = 0; i < 2; ++i) {
            QVERIFY(breakers.allow(key, 0));
            breakers.recordFailure(key, 0);
        }
        QCOMPARE(breakers.state(key, 0), CircuitBreakers::State::Closed);
        breakers.recordFailure(key, 10);
        QCOMPARE(breakers.state(key, 10), CircuitBreakers::State::Open);
        QVERIFY(!breakers.allow(key, 500));
        QVERIFY(!breakers.available(key, 500));
        // After the cooldown: exactly one probe.
        QCOMPARE(breakers.state(key, 1010), CircuitBreakers::State::HalfOpen);
        QVERIFY(!breakers.available(key, 1010)); // half-open is not yet available: no probe has succeeded
        bool probe = false;
        QVERIFY(breakers.allow(key, 1010, &probe));
        QVERIFY(probe);
        QVERIFY(!breakers.allow(key, 1011));
        // A failed probe reopens for a whole cooldown.
        breakers.recordFailure(key, 1020);
        QVERIFY(!breakers.allow(key, 1500));
        QVERIFY(breakers.allow(key, 2020));
        breakers.recordSuccess(key);
        QCOMPARE(breakers.state(key, 2021), CircuitBreakers::State::Closed);
        QVERIFY(breakers.allow(key, 2021));
    }
    void abandonedProbeFreesTheSlot()
    {
        // A probe that was cancelled says nothing about the provider: the next call may probe.
        CircuitBreakers breakers(1, 1000);
        const QString key = QStringLiteral("replicate");
        breakers.recordFailure(key, 0);
        QVERIFY(breakers.allow(key, 1000));
        QVERIFY(!breakers.allow(key, 1001));
        breakers.abandon(key);
        QCOMPARE(breakers.state(key, 1002), CircuitBreakers::State::HalfOpen);
        QVERIFY(breakers.allow(key, 1002));
        breakers.abandon(QStringLiteral("never-seen")); // harmless
        QCOMPARE(breakers.state(QStringLiteral("never-seen"), 0), CircuitBreakers::State::Closed);
    }
    void successResetsTheCount()
    {
        CircuitBreakers breakers(2, 1000);
        const QString key = QStringLiteral("gemini");
        breakers.recordFailure(key, 0);
        breakers.recordSuccess(key);
        breakers.recordFailure(key, 0);
        QCOMPARE(breakers.state(key, 0), CircuitBreakers::State::Closed);
        QVERIFY(breakers.available(QStringLiteral("other"), 0));
    }
};

QTEST_GUILESS_MAIN(TestCircuitBreaker)
#include "tst_circuitbreaker.moc"
