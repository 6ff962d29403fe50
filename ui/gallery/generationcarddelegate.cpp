#include "ui/gallery/generationcarddelegate.h"

#include "client/models/generationlistmodel.h"
#include "client/thumbnails/thumbnailcache.h"
#include "ui/gallery/cardpainter.h"

#include <QAbstractItemView>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QtMath>

namespace vesper::ui {

namespace {
constexpr int Padding = 8;
constexpr int StripMax = 4;
using Model = client::GenerationListModel;

bool isRunning(const QString &status)
{
    return status == QLatin1String("queued") || status == QLatin1String("processing");
}

QRect pictureBox(const QRect &card)
{
    const int edge = card.width() - 2 * Padding;
    return QRect(card.x() + Padding, card.y() + Padding, edge, edge);
}

QString statusText(const QString &status)
{
    if (status == QLatin1String("queued"))
        return GenerationCardDelegate::tr("Queued");
    if (status == QLatin1String("processing"))
        return GenerationCardDelegate::tr("Generating");
    if (status == QLatin1String("failed"))
        return GenerationCardDelegate::tr("Failed");
    if (status == QLatin1String("cancelled"))
        return GenerationCardDelegate::tr("Cancelled");
    return {};
}
} // namespace

GenerationCardDelegate::GenerationCardDelegate(QObject *parent) : QStyledItemDelegate(parent) {}

void GenerationCardDelegate::setCache(client::ThumbnailCache *cache)
{
    m_cache = cache;
}

int GenerationCardDelegate::textHeight(const QFont &font)
{
    return QFontMetrics(font).height() + 6;
}

QSize GenerationCardDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    const auto *view = qobject_cast<const QAbstractItemView *>(option.widget);
    const int edge = view && view->iconSize().isValid() ? view->iconSize().width() : 200;
    return QSize(edge + 2 * Padding, edge + 2 * Padding + textHeight(option.font));
}

QRect GenerationCardDelegate::buttonRect(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QString status = index.data(Model::StatusRole).toString();
    QString text;
    if (isRunning(status) && !index.data(Model::IsPendingRole).toBool())
        text = tr("Cancel");
    else if (status == QLatin1String("failed"))
        text = tr("Retry");
    if (text.isEmpty())
        return {};
    const QFontMetrics fm(option.font);
    const QSize size(fm.horizontalAdvance(text) + 2 * fm.height(), fm.height() + 10);
    const QRect box = pictureBox(option.rect);
    return QRect(QPoint(box.right() - size.width() - 6, box.top() + 6), size);
}

void GenerationCardDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const bool selected = option.state & QStyle::State_Selected;
    const bool hovered = option.state & QStyle::State_MouseOver;
    cards::drawCardFrame(painter, option.rect, option.palette, selected, hovered);
    const QRect box = pictureBox(option.rect);
    paintPictures(painter, box, option, index);
    const QFontMetrics fm(option.font);
    paintLine(painter, QRect(box.x() + 2, box.bottom() + 5, box.width() - 4, fm.height()), option, index);

    const QRect button = hovered ? buttonRect(option, index) : QRect();
    if (!button.isEmpty()) {
        const bool failed = index.data(Model::StatusRole).toString() == QLatin1String("failed");
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        QColor back = option.palette.color(QPalette::Button);
        back.setAlphaF(0.95f);
        painter->setBrush(back);
        painter->setPen(QPen(option.palette.color(QPalette::Mid), 1));
        painter->drawRoundedRect(QRectF(button).adjusted(0.5, 0.5, -0.5, -0.5), 5, 5);
        painter->setPen(option.palette.color(QPalette::ButtonText));
        painter->drawText(button, Qt::AlignCenter, failed ? tr("Retry") : tr("Cancel"));
        painter->restore();
    }
}

void GenerationCardDelegate::paintPictures(QPainter *painter, const QRect &box, const QStyleOptionViewItem &option,
                                           const QModelIndex &index) const
{
    const double ratio = cards::aspectRatioOf(index.data(Model::AspectRatioRole).toString());
    const QStringList outputs = index.data(Model::OutputIdsRole).toStringList();
    // Several outputs: the first large, the next ones in a strip below it, all at the same ratio.
    QRect mainBox = box;
    QRect stripBox;
    if (outputs.size() > 1) {
        const int stripHeight = qMax(24, box.height() / 5);
        stripBox = QRect(box.x(), box.bottom() - stripHeight + 1, box.width(), stripHeight);
        mainBox.setBottom(stripBox.top() - 4);
    }
    const QRect main = cards::fitRect(mainBox, ratio);
    const QString firstId = outputs.value(0);
    const QImage first = (m_cache && !firstId.isEmpty()) ? m_cache->cached(firstId) : QImage();
    if (first.isNull())
        cards::drawPlaceholder(painter, main, option.palette);
    else
        cards::drawPicture(painter, main, first, firstId);

    if (!stripBox.isEmpty()) {
        const int shown = qMin(int(outputs.size()) - 1, StripMax);
        const int cellWidth = qMin(qRound(stripBox.height() * ratio), (stripBox.width() - (StripMax - 1) * 4) / StripMax);
        int x = stripBox.x() + (stripBox.width() - (shown * cellWidth + (shown - 1) * 4)) / 2;
        for (int i = 1; i <= shown; ++i, x += cellWidth + 4) {
            const QRect cell = cards::fitRect(QRect(x, stripBox.y(), cellWidth, stripBox.height()), ratio);
            const QImage image = m_cache ? m_cache->cached(outputs.at(i)) : QImage();
            if (image.isNull())
                cards::drawPlaceholder(painter, cell, option.palette);
            else
                cards::drawPicture(painter, cell, image, outputs.at(i));
            if (i == shown && outputs.size() - 1 > shown) {
                painter->save();
                painter->fillRect(cell, QColor(0, 0, 0, 120));
                painter->setPen(Qt::white);
                painter->drawText(cell, Qt::AlignCenter, QStringLiteral("+%1").arg(outputs.size() - 1 - shown));
                painter->restore();
            }
        }
    }
    paintState(painter, main, option, index);
}

void GenerationCardDelegate::paintState(QPainter *painter, const QRect &picture, const QStyleOptionViewItem &option,
                                        const QModelIndex &index) const
{
    const QPalette &palette = option.palette;
    const QString status = index.data(Model::StatusRole).toString();
    painter->save();
    if (isRunning(status)) {
        const int progress = qBound(0, index.data(Model::ProgressRole).toInt(), 100);
        const bool estimate = index.data(Model::ProgressIsEstimateRole).toBool();
        const QRect track(picture.x() + 8, picture.bottom() - 12, picture.width() - 16, 4);
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(palette.color(QPalette::Base));
        painter->drawRoundedRect(track, 2, 2);
        painter->setBrush(cards::runningColor(palette));
        painter->drawRoundedRect(QRect(track.x(), track.y(), track.width() * progress / 100, track.height()), 2, 2);
        const QString label = status == QLatin1String("queued") && progress == 0
                                  ? tr("Queued")
                                  : (estimate ? tr("≈ %1% (estimate)").arg(progress) : tr("%1%").arg(progress));
        painter->setPen(palette.color(QPalette::Text));
        painter->drawText(picture.adjusted(8, 0, -8, -20), Qt::AlignCenter | Qt::TextWordWrap, label);
    } else if (status == QLatin1String("failed") || status == QLatin1String("cancelled")) {
        const bool failed = status == QLatin1String("failed");
        QString text = failed ? index.data(Model::ErrorRole).toString() : tr("Cancelled");
        if (text.isEmpty())
            text = tr("Failed");
        painter->setPen(failed ? cards::failedColor() : palette.color(QPalette::PlaceholderText));
        painter->drawText(picture.adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap, text);
    }
    if (index.data(Model::IsPendingRole).toBool()) {
        QFont small = option.font;
        small.setPointSizeF(small.pointSizeF() * 0.9);
        painter->setFont(small);
        QColor back = palette.color(QPalette::Window);
        back.setAlphaF(0.85f);
        cards::drawBadge(painter, picture.topLeft() + QPoint(6, 6), tr("Waiting to send"), back,
                         palette.color(QPalette::WindowText));
    }
    painter->restore();
}

void GenerationCardDelegate::paintLine(QPainter *painter, const QRect &line, const QStyleOptionViewItem &option,
                                       const QModelIndex &index) const
{
    const QPalette &palette = option.palette;
    const QFontMetrics fm(option.font);
    const QString status = index.data(Model::StatusRole).toString();
    // The picture already shows the state: the line keeps the prompt, the model, and a state dot.
    QColor dot;
    if (status == QLatin1String("failed"))
        dot = cards::failedColor();
    else if (isRunning(status))
        dot = cards::runningColor(palette);
    const int dotSize = fm.height() / 2;
    const QString id = index.data(Model::IdRole).toString();
    const QString prompt = index.data(Model::PromptRole).toString();
    const QString model = index.data(Model::ModelIdRole).toString();
    LaidOutLine *laid = m_lines.object(id);
    if (!laid || laid->width != line.width() || laid->dot != dot.isValid() || laid->prompt != prompt || laid->model != model
        || laid->font != option.font) {
        laid = new LaidOutLine;
        laid->prompt = prompt;
        laid->model = model;
        laid->font = option.font;
        laid->width = line.width();
        laid->dot = dot.isValid();
        // +2: elidedText() cuts a text measured to the exact pixel ("sketch" came out "sket…").
        laid->rightWidth = qMin(fm.horizontalAdvance(model) + 2, line.width() * 2 / 5);
        const int leftWidth = line.width() - laid->rightWidth - 8 - (dot.isValid() ? dotSize + 5 : 0);
        laid->right = QStaticText(fm.elidedText(model, Qt::ElideRight, laid->rightWidth));
        laid->left = QStaticText(fm.elidedText(prompt.simplified(), Qt::ElideRight, qMax(0, leftWidth)));
        for (QStaticText *text : {&laid->left, &laid->right}) {
            text->setTextFormat(Qt::PlainText);
            text->setPerformanceHint(QStaticText::AggressiveCaching);
            text->prepare(QTransform(), option.font);
        }
        m_lines.insert(id, laid);
    }
    const int textY = line.y() + (line.height() - fm.height()) / 2;
    painter->save();
    painter->setFont(option.font);
    painter->setPen(palette.color(QPalette::PlaceholderText));
    const int rightTextWidth = qCeil(laid->right.size().width());
    painter->drawStaticText(QPoint(line.right() + 1 - qMin(rightTextWidth, laid->rightWidth), textY), laid->right);
    int leftX = line.x();
    if (dot.isValid()) {
        painter->setRenderHint(QPainter::Antialiasing);
        painter->setPen(Qt::NoPen);
        painter->setBrush(dot);
        painter->drawEllipse(QRect(leftX, line.y() + (line.height() - dotSize) / 2, dotSize, dotSize));
        leftX += dotSize + 5;
    }
    painter->setPen(palette.color(QPalette::Text));
    painter->drawStaticText(QPoint(leftX, textY), laid->left);
    painter->restore();
}

bool GenerationCardDelegate::editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                                         const QModelIndex &index)
{
    if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonRelease ||
        event->type() == QEvent::MouseButtonDblClick) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        const QRect button = buttonRect(option, index);
        if (mouse->button() == Qt::LeftButton && !button.isEmpty() && button.contains(mouse->position().toPoint())) {
            if (event->type() == QEvent::MouseButtonRelease) {
                const QString id = index.data(Model::IdRole).toString();
                if (index.data(Model::StatusRole).toString() == QLatin1String("failed"))
                    Q_EMIT retryRequested(id);
                else
                    Q_EMIT cancelRequested(id);
            }
            return true; // the button's click does not select or open the card
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

bool GenerationCardDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                                       const QModelIndex &index)
{
    if (event->type() != QEvent::ToolTip || !index.isValid())
        return QStyledItemDelegate::helpEvent(event, view, option, index);
    QStringList lines{index.data(Model::PromptRole).toString()};
    const QString state = statusText(index.data(Model::StatusRole).toString());
    lines << (state.isEmpty() ? index.data(Model::ModelIdRole).toString()
                              : index.data(Model::ModelIdRole).toString() + QStringLiteral(" · ") + state);
    if (index.data(Model::ProgressIsEstimateRole).toBool() && isRunning(index.data(Model::StatusRole).toString()))
        lines << tr("Progress is an estimate");
    if (!index.data(Model::ErrorRole).toString().isEmpty())
        lines << index.data(Model::ErrorRole).toString();
    if (index.data(Model::IsPendingRole).toBool())
        lines << tr("Waiting to send: queued while offline");
    QToolTip::showText(event->globalPos(), lines.join(QLatin1Char('\n')), view);
    return true;
}

} // namespace vesper::ui
