// The error codes written once in core/domain: every ErrorCode and FailureCode name reads back as
// the same value, the wire names the API documents are the ones written, no name is both kinds, and
// a generation's error tells which kind its code is.
#include "domain/errorcode.h"
#include "domain/failurecode.h"
#include "domain/generationerror.h"

#include <QSet>
#include <QTest>

using namespace vesper;

namespace {
const QList<ErrorCode> kErrorCodes{
    ErrorCode::Validation, ErrorCode::Unauthorized, ErrorCode::InsufficientCredits, ErrorCode::Forbidden, ErrorCode::NotFound,
    ErrorCode::MethodNotAllowed, ErrorCode::Conflict, ErrorCode::PreconditionFailed, ErrorCode::PayloadTooLarge,
    ErrorCode::RateLimited, ErrorCode::Internal, ErrorCode::ProviderError, ErrorCode::Unavailable,
};
const QList<FailureCode> kFailureCodes{
    FailureCode::Timeout, FailureCode::BadResponse, FailureCode::ReferenceMissing, FailureCode::Cancelled,
    FailureCode::Interrupted, FailureCode::InvalidRequest, FailureCode::ProviderBusy, FailureCode::ProviderUnreachable,
};
} // namespace

class TestErrorCodes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void everyErrorCodeRoundTrips()
    {
        QSet<QString> names;
        for (const ErrorCode code : kErrorCodes) {
            const QString name = errorCodeName(code);
            QVERIFY(!name.isEmpty());
            QCOMPARE(errorCodeFromName(name), std::optional<ErrorCode>(code));
            names.insert(name);
        }
        QCOMPARE(names.size(), kErrorCodes.size()); // no two codes share a name
        QVERIFY(!errorCodeFromName(QStringLiteral("validation_error")).has_value());
        QVERIFY(!errorCodeFromName(QString()).has_value());
    }

    void everyFailureCodeRoundTrips()
    {
        QSet<QString> names;
        for (const FailureCode code : kFailureCodes) {
            const QString name = failureCodeName(code);
            QVERIFY(!name.isEmpty());
            QCOMPARE(failureCodeFromName(name), std::optional<FailureCode>(code));
            QVERIFY2(!errorCodeFromName(name).has_value(), qPrintable(name)); // not also an API code
            names.insert(name);
        }
        QCOMPARE(names.size(), kFailureCodes.size());
        for (const ErrorCode code : kErrorCodes)
            QVERIFY(!failureCodeFromName(errorCodeName(code)).has_value());
        QVERIFY(!failureCodeFromName(QStringLiteral("timeout")).has_value());
    }

    void wireNamesAreTheDocumentedOnes()
    {
        // Stored in generations.error_code and read by clients: changing one breaks both.
        QCOMPARE(errorCodeName(ErrorCode::Validation), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(errorCodeName(ErrorCode::Internal), QStringLiteral("INTERNAL_ERROR"));
        QCOMPARE(errorCodeName(ErrorCode::ProviderError), QStringLiteral("PROVIDER_ERROR"));
        QCOMPARE(errorCodeName(ErrorCode::Unavailable), QStringLiteral("UNAVAILABLE"));
        QCOMPARE(errorCodeName(ErrorCode::RateLimited), QStringLiteral("RATE_LIMITED"));
        QCOMPARE(failureCodeName(FailureCode::Timeout), QStringLiteral("TIMEOUT"));
        QCOMPARE(failureCodeName(FailureCode::BadResponse), QStringLiteral("BAD_RESPONSE"));
        QCOMPARE(failureCodeName(FailureCode::ReferenceMissing), QStringLiteral("REFERENCE_MISSING"));
        QCOMPARE(failureCodeName(FailureCode::ProviderBusy), QStringLiteral("PROVIDER_BUSY"));
    }

    void generationErrorTellsItsKind()
    {
        const GenerationError api{errorCodeName(ErrorCode::ProviderError), QStringLiteral("no")};
        QCOMPARE(api.errorCode(), std::optional<ErrorCode>(ErrorCode::ProviderError));
        QVERIFY(!api.failureCode().has_value());
        const GenerationError provider{failureCodeName(FailureCode::Timeout), QStringLiteral("slow")};
        QCOMPARE(provider.failureCode(), std::optional<FailureCode>(FailureCode::Timeout));
        QVERIFY(!provider.errorCode().has_value());
        const GenerationError unknown{QStringLiteral("SOMETHING_NEW"), QStringLiteral("a newer server")};
        QVERIFY(!unknown.errorCode().has_value() && !unknown.failureCode().has_value());
        QCOMPARE(GenerationError::fromJson(provider.toJson()), std::optional<GenerationError>(provider));
    }
};

QTEST_GUILESS_MAIN(TestErrorCodes)
#include "tst_errorcodes.moc"
