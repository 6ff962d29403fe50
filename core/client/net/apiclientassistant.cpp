// ApiClient's assistant calls (DESIGN §7): the skills list and the one-click enhance. The chat
// (JSON and streamed) lives beside them when the drawer needs it.
#include "client/net/apiclient.h"
#include "client/net/apidecode.h"

namespace vesper::client {

ApiResult<QList<SkillSummary>> ApiClient::skills()
{
    return apidecode::list<SkillSummary>(send("GET", QStringLiteral("/api/skills")), QStringLiteral("skills"));
}

ApiResult<EnhanceResult> ApiClient::enhancePrompt(const QString &prompt, const QString &modelId, const QStringList &skillIds)
{
    QJsonObject body{{QStringLiteral("prompt"), prompt}, {QStringLiteral("modelId"), modelId}};
    if (!skillIds.isEmpty())
        body.insert(QStringLiteral("skillIds"), QJsonArray::fromStringList(skillIds));
    return apidecode::one<EnhanceResult>(send("POST", QStringLiteral("/api/prompts/enhance"), body));
}

} // namespace vesper::client
