#include "ui/viewer/deferreddeletes.h"

#include <QTimer>

namespace vesper::ui {

DeferredDeletes::DeferredDeletes(QObject *parent) : QObject(parent) {}

DeferredDeletes::~DeferredDeletes()
{
    commitAll();
}

void DeferredDeletes::schedule(const QString &id, std::function<void()> commitFn)
{
    if (m_pending.contains(id)) {
        delete m_pending.value(id).timer;
        m_order.removeAll(id);
    }
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, id] { commit(id); });
    m_pending.insert(id, Entry{timer, std::move(commitFn)});
    m_order.append(id);
    timer->start(m_graceMs);
}

bool DeferredDeletes::undo(const QString &id)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return false;
    delete it->timer;
    m_pending.erase(it);
    m_order.removeAll(id);
    Q_EMIT restored(id);
    return true;
}

QString DeferredDeletes::undoLast()
{
    if (m_order.isEmpty())
        return {};
    const QString id = m_order.last();
    undo(id);
    return id;
}

void DeferredDeletes::commitAll()
{
    const QStringList ids = m_order;
    for (const QString &id : ids)
        commit(id);
}

QSet<QString> DeferredDeletes::pendingIds() const
{
    return QSet<QString>(m_order.cbegin(), m_order.cend());
}

void DeferredDeletes::commit(const QString &id)
{
    const auto it = m_pending.find(id);
    if (it == m_pending.end())
        return;
    const Entry entry = *it;
    m_pending.erase(it);
    m_order.removeAll(id);
    entry.timer->deleteLater();
    if (entry.commit)
        entry.commit();
    Q_EMIT committed(id);
}

} // namespace vesper::ui
