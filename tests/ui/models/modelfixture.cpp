#include "modelfixture.h"

#include <QDebug>
#include <QTest>

namespace vesper::test {

bool ModelFixture::open()
{
    close();
    if (!m_dir.isValid())
        return false;
    m_db = std::make_unique<client::CacheDatabase>(
        m_dir.filePath(QStringLiteral("%1-%2").arg(QString::fromLatin1(QTest::currentTestFunction())).arg(++m_opened)));
    QString error;
    if (!m_db->open(&error)) {
        qWarning().noquote() << "cannot open the cache:" << error;
        return false;
    }
    m_store = std::make_unique<client::CacheStore>(*m_db);
    m_rev = 0;
    return true;
}

void ModelFixture::close()
{
    m_store.reset();
    m_db.reset();
}

client::CacheChanges ModelFixture::apply(const QJsonArray &changes)
{
    client::CacheChanges changed;
    QString error;
    m_rev += 1;
    if (!m_store->applyChangesPage(changes, QString::number(m_rev + 1000000), &changed, &error))
        qWarning().noquote() << "feed page refused:" << error;
    return changed;
}

client::CacheChanges ModelFixture::storePending(const QString &kind, const QJsonObject &data)
{
    client::CacheChanges changed;
    QString error;
    if (!m_store->storePending(kind, data, &changed, &error))
        qWarning().noquote() << "pending row refused:" << error;
    return changed;
}

} // namespace vesper::test
