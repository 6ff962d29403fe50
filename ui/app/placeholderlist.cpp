#include "ui/app/placeholderlist.h"

#include "client/cache/cachestore.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"

namespace vesper::ui {

PlaceholderList::PlaceholderList(Kind kind, UiContext *context, QWidget *parent)
    : QListWidget(parent)
    , m_kind(kind)
    , m_context(context)
{
    setUniformItemSizes(true);
    setFrameShape(QFrame::NoFrame);
    connect(m_context, &UiContext::workspaceChanged, this, &PlaceholderList::reload);
    connect(m_context, &UiContext::cacheChanged, this, &PlaceholderList::reload);
    connect(this, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        Q_EMIT rowActivated(item->data(Qt::UserRole).toString());
    });
    reload();
}

void PlaceholderList::setParentId(const QString &id)
{
    m_parentId = id;
    reload();
}

void PlaceholderList::reload()
{
    const QString current = currentItem() ? currentItem()->data(Qt::UserRole).toString() : QString();
    clear();
    client::Workspace *workspace = m_context->workspace();
    if (!workspace || !workspace->isOpen())
        return;
    auto add = [this, &current](const QString &id, const QString &text, bool pending) {
        auto *item = new QListWidgetItem(pending ? tr("%1 (waiting to be sent)").arg(text) : text, this);
        item->setData(Qt::UserRole, id);
        if (id == current)
            setCurrentItem(item);
    };
    switch (m_kind) {
    case Kind::Projects: {
        const auto page = workspace->cache().projects(200);
        for (const Project &p : page.rows)
            add(p.id, p.name, page.pending.contains(p.id));
        break;
    }
    case Kind::Sessions: {
        const auto page = workspace->cache().sessions(m_parentId, 200);
        for (const Session &s : page.rows)
            add(s.id, s.name, page.pending.contains(s.id));
        break;
    }
    case Kind::Generations: {
        const auto page = workspace->cache().generations(m_parentId, 200);
        for (const Generation &g : page.rows)
            add(g.id, QStringLiteral("%1 · %2 · %3").arg(g.prompt, g.modelId, generationStatusName(g.status)), page.pending.contains(g.id));
        break;
    }
    }
}

} // namespace vesper::ui
