#pragma once
// Failure messages for API replies and the status check every API test makes with them.
#include "testclient.h"

#include <QString>
#include <QTest>

namespace vesper::test {

/// "HTTP <status> <first 600 bytes of the body><network error>", for failure messages.
QString describe(const Reply &reply);

} // namespace vesper::test

/// Fails the current test (and returns) unless the reply has the expected HTTP status.
#define EXPECT_STATUS(reply, expected)                                                                                   \
    QVERIFY2((reply).status == (expected),                                                                              \
             qPrintable(QStringLiteral("expected HTTP %1, got %2").arg(expected).arg(describe(reply))))
