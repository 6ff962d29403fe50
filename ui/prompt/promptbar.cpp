#include "ui/prompt/promptbar.h"

#include "client/cache/cachestore.h"
#include "client/sync/outbox.h"
#include "client/workspace/workspace.h"
#include "ui/app/uicontext.h"
#include "ui/prompt/modelpicker.h"
#include "ui/prompt/referencestrip.h"
#include "ui/prompt/seededit.h"

#include <QAction>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSpinBox>
#include <QTextCursor>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

namespace vesper::ui {

namespace {
const QString kGroup = QStringLiteral("promptBar/");

void choose(QComboBox *box, const QStringList &values, const QStringList &preferred)
{
    const QSignalBlocker blocker(box);
    box->clear();
    box->addItems(values);
    for (const QString &value : preferred) {
        if (const int i = box->findText(value); i >= 0) {
            box->setCurrentIndex(i);
            return;
        }
    }
}
} // namespace

PromptBar::PromptBar(UiContext *ctx, QWidget *parent) : QWidget(parent), m_ctx(ctx)
{
    m_generate = new QAction(tr("Generate"), this);
    m_generate->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    m_generate->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_generate);
    connect(m_generate, &QAction::triggered, this, &PromptBar::generate);
    buildLayout();
    setAcceptDrops(true);

    connect(m_prompt, &QPlainTextEdit::textChanged, this, &PromptBar::updateState);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &PromptBar::contextChanged);
    connect(m_models, &ModelPicker::modelChanged, this, &PromptBar::contextChanged);
    connect(m_enhanceButton, &QToolButton::clicked, this, &PromptBar::enhanceRequested);
    connect(m_assistantButton, &QToolButton::clicked, this, &PromptBar::assistantRequested);
    connect(m_models, &ModelPicker::modelChanged, this, &PromptBar::modelChosen);
    connect(m_aspect, &QComboBox::currentIndexChanged, this, &PromptBar::rememberChoices);
    connect(m_resolution, &QComboBox::currentIndexChanged, this, &PromptBar::rememberChoices);
    connect(m_count, &QSpinBox::valueChanged, this, [this] {
        rememberChoices();
        updateState();
    });
    connect(m_references, &ReferenceStrip::changed, this, &PromptBar::updateState);
    connect(m_addReference, &QToolButton::clicked, this, &PromptBar::chooseReferenceFiles);
    connect(m_negativeToggle, &QToolButton::toggled, this, [this](bool on) {
        m_negative->setVisible(on);
        m_negativeToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
        if (on)
            m_negative->setFocus();
    });
    connect(m_ctx, &UiContext::workspaceChanged, this, &PromptBar::reloadModels);
    connect(m_ctx, &UiContext::cacheChanged, this, &PromptBar::reloadModels);

    // The choices of last time, applied once the models are known.
    m_restoring = true;
    reloadModels();
    QSettings settings;
    m_models->selectModel(settings.value(kGroup + QStringLiteral("model")).toString());
    modelChosen();
    m_restoring = false;
    updateState();
}

void PromptBar::buildLayout()
{
    m_prompt = new QPlainTextEdit(this);
    m_prompt->setPlaceholderText(tr("Describe the image… (Ctrl+Return to generate)"));
    m_prompt->setTabChangesFocus(true);
    const int line = m_prompt->fontMetrics().lineSpacing();
    m_prompt->setFixedHeight(line * 3 + 2 * m_prompt->frameWidth() + 10);
    m_negative = new QPlainTextEdit(this);
    m_negative->setPlaceholderText(tr("What the image should not show"));
    m_negative->setTabChangesFocus(true);
    m_negative->setFixedHeight(line * 2 + 2 * m_negative->frameWidth() + 10);
    m_negative->setVisible(false);
    for (QPlainTextEdit *edit : {m_prompt, m_negative})
        edit->viewport()->installEventFilter(this);

    m_negativeToggle = new QToolButton(this);
    m_negativeToggle->setText(tr("Negative"));
    m_negativeToggle->setCheckable(true);
    m_negativeToggle->setArrowType(Qt::RightArrow);
    m_negativeToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_negativeToggle->setAutoRaise(true);
    m_negativeToggle->setToolTip(tr("Show the negative prompt"));
    m_models = new ModelPicker(this);
    m_aspect = new QComboBox(this);
    m_aspect->setToolTip(tr("Aspect ratio"));
    m_resolution = new QComboBox(this);
    m_resolution->setToolTip(tr("Resolution"));
    m_count = new QSpinBox(this);
    m_count->setRange(1, 1);
    m_count->setPrefix(QStringLiteral("× "));
    m_count->setToolTip(tr("How many images"));
    m_seed = new SeedEdit(this);
    m_addReference = new QToolButton(this);
    m_addReference->setText(tr("Add reference…"));
    m_addReference->setAutoRaise(true);
    m_references = new ReferenceStrip(m_ctx, this);
    m_generateButton = new QToolButton(this);
    m_generateButton->setDefaultAction(m_generate);
    m_generateButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_generateButton->setMinimumSize(110, m_prompt->height());
    QFont bold = m_generateButton->font();
    bold.setBold(true);
    m_generateButton->setFont(bold);
    m_enhanceButton = new QToolButton(this);
    m_enhanceButton->setText(tr("Enhance"));
    m_enhanceButton->setAutoRaise(true);
    m_enhanceButton->setToolTip(tr("Ask the assistant for a fuller prompt; it is shown as a suggestion, the prompt stays as it is"));
    m_assistantButton = new QToolButton(this);
    m_assistantButton->setText(tr("Assistant"));
    m_assistantButton->setAutoRaise(true);
    m_assistantButton->setToolTip(tr("Open the assistant (%1)").arg(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A).toString(QKeySequence::NativeText)));
    m_hint = new QLabel(this);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    m_hint->setTextFormat(Qt::PlainText);

    auto *top = new QHBoxLayout;
    top->addWidget(m_prompt, 1);
    auto *ask = new QVBoxLayout;
    ask->setSpacing(0);
    ask->addWidget(m_enhanceButton);
    ask->addWidget(m_assistantButton);
    ask->addStretch(1);
    top->addLayout(ask);
    top->addWidget(m_generateButton, 0, Qt::AlignTop);
    auto *controls = new QHBoxLayout;
    controls->setSpacing(6);
    controls->addWidget(m_negativeToggle);
    controls->addWidget(m_models);
    controls->addWidget(m_aspect);
    controls->addWidget(m_resolution);
    controls->addWidget(m_count);
    controls->addWidget(new QLabel(tr("Seed"), this));
    controls->addWidget(m_seed);
    controls->addWidget(m_addReference);
    controls->addStretch(1);
    controls->addWidget(m_hint);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(4);
    layout->addWidget(m_references);
    layout->addLayout(top);
    layout->addWidget(m_negative);
    layout->addLayout(controls);
}

void PromptBar::reloadModels()
{
    client::Workspace *ws = m_ctx->workspace();
    m_models->setOnTeamServer(ws && !m_ctx->isLocalLibrary());
    m_models->setModels(ws && ws->isOpen() ? ws->cache().models() : QList<ModelInfo>{});
    updateState();
}

void PromptBar::modelChosen()
{
    const std::optional<ModelInfo> model = m_models->currentModel();
    QSettings settings;
    const auto preferred = [&](QComboBox *box, const QString &key, const QString &fallback) {
        QStringList order{box->currentText()};
        if (m_restoring || box->currentText().isEmpty())
            order.prepend(settings.value(kGroup + key).toString());
        order << fallback;
        return order;
    };
    const QStringList aspects = model && !model->aspectRatios.isEmpty() ? model->aspectRatios : QStringList{QStringLiteral("1:1")};
    choose(m_aspect, aspects, preferred(m_aspect, QStringLiteral("aspect"), QStringLiteral("1:1")));
    const QStringList resolutions = model ? model->resolutions : QStringList{};
    choose(m_resolution, resolutions, preferred(m_resolution, QStringLiteral("resolution"), resolutions.value(0)));
    m_count->setMaximum(model ? int(std::max<qint64>(1, model->maxOutputs)) : 1);
    if (m_restoring)
        m_count->setValue(settings.value(kGroup + QStringLiteral("count"), 1).toInt());
    const qint64 maxRefs = model ? model->maxReferenceImages : 0;
    m_addReference->setEnabled(maxRefs > 0);
    m_addReference->setToolTip(maxRefs > 0 ? tr("Add reference images (up to %1); or drop image files on the prompt").arg(maxRefs)
                                           : tr("%1 takes no reference images").arg(model ? model->name : tr("This model")));
    rememberChoices();
    updateState();
}

void PromptBar::rememberChoices()
{
    if (m_restoring || m_models->currentModelId().isEmpty())
        return;
    QSettings settings;
    settings.setValue(kGroup + QStringLiteral("model"), m_models->currentModelId());
    settings.setValue(kGroup + QStringLiteral("aspect"), m_aspect->currentText());
    settings.setValue(kGroup + QStringLiteral("resolution"), m_resolution->currentText());
    settings.setValue(kGroup + QStringLiteral("count"), m_count->value());
}

void PromptBar::updateState()
{
    const std::optional<ModelInfo> model = m_models->currentModel();
    const client::Workspace *ws = m_ctx->workspace();
    const int refs = m_references->count();
    if (!ws || !ws->isOpen())
        m_reason = tr("Not connected to a library or server.");
    else if (m_sessionId.isEmpty())
        m_reason = tr("Choose or create a session first.");
    else if (!model)
        m_reason = tr("No model to generate with yet.");
    else if (!model->available)
        m_reason = ModelPicker::unavailableReason(*model, m_models->isOnTeamServer());
    else if (prompt().trimmed().isEmpty())
        m_reason = tr("Write a prompt first.");
    else if (m_references->uploadingCount() > 0)
        m_reason = tr("Wait for the reference images to finish uploading.");
    else if (refs > model->maxReferenceImages)
        m_reason = model->maxReferenceImages == 0
            ? tr("%1 takes no reference images: remove them or pick another model.").arg(model->name)
            : tr("%1 takes at most %2 reference images: remove %3.").arg(model->name).arg(model->maxReferenceImages).arg(refs - model->maxReferenceImages);
    else
        m_reason.clear();
    const QString keys = m_generate->shortcut().toString(QKeySequence::NativeText);
    m_generate->setEnabled(m_reason.isEmpty());
    if (m_reason.isEmpty()) {
        const qint64 cost = model->cost * m_count->value();
        const QString costText = cost == 0 ? tr("free") : cost == 1 ? tr("1 credit") : tr("%1 credits").arg(cost);
        m_generate->setToolTip(tr("Generate (%1) — %2").arg(keys, costText));
        m_hint->setText(costText);
    } else {
        m_generate->setToolTip(tr("Generate (%1) — %2").arg(keys, m_reason));
        m_hint->setText(m_reason);
    }
}

QString PromptBar::prompt() const
{
    return m_prompt->toPlainText();
}

QString PromptBar::negativePrompt() const
{
    return m_negative->toPlainText();
}

void PromptBar::setSession(const QString &sessionId)
{
    const bool changed = sessionId != m_sessionId;
    m_sessionId = sessionId;
    updateState();
    if (changed)
        Q_EMIT sessionChanged(sessionId);
}

QString PromptBar::generationType() const
{
    const std::optional<ModelInfo> model = m_models->currentModel();
    return model && !model->type.isEmpty() ? model->type : QStringLiteral("image");
}

int PromptBar::referenceCount() const
{
    return m_references->count();
}

void PromptBar::replaceText(QPlainTextEdit *edit, const QString &text)
{
    // One edit block on the document's own undo stack, so Ctrl+Z restores the text replaced.
    QTextCursor cursor(edit->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(text);
    cursor.endEditBlock();
    edit->moveCursor(QTextCursor::End);
}

void PromptBar::setPrompt(const QString &prompt)
{
    replaceText(m_prompt, prompt);
}

void PromptBar::setNegativePrompt(const QString &negativePrompt)
{
    replaceText(m_negative, negativePrompt);
    if (!negativePrompt.isEmpty())
        m_negativeToggle->setChecked(true);
}

QStringList PromptBar::applyParameters(const QJsonObject &p)
{
    QStringList refused;
    if (p.contains(QStringLiteral("modelId"))) {
        if (m_models->selectModel(p.value(QStringLiteral("modelId")).toString()))
            modelChosen();
        else
            refused << QStringLiteral("modelId");
    }
    const auto pick = [&](QComboBox *box, const char *key) {
        const QJsonValue value = p.value(QLatin1String(key));
        if (value.isUndefined())
            return;
        const QString text = value.isDouble() ? QString::number(value.toInt()) : value.toString();
        if (const int i = box->findText(text); i >= 0)
            box->setCurrentIndex(i);
        else
            refused << QLatin1String(key);
    };
    pick(m_aspect, "aspectRatio");
    pick(m_resolution, "resolution");
    if (const QJsonValue count = p.value(QStringLiteral("numOutputs")); count.isDouble()) {
        if (count.toInt() >= m_count->minimum() && count.toInt() <= m_count->maximum())
            m_count->setValue(count.toInt());
        else
            refused << QStringLiteral("numOutputs");
    }
    if (p.contains(QStringLiteral("seed"))) {
        const QJsonValue seed = p.value(QStringLiteral("seed"));
        m_seed->setSeed(seed.isDouble() ? std::optional<qint64>(qint64(seed.toDouble())) : std::nullopt);
    }
    updateState();
    return refused;
}

QJsonObject PromptBar::parameters() const
{
    const std::optional<qint64> seed = m_seed->seed();
    return QJsonObject{{QStringLiteral("modelId"), m_models->currentModelId()},
                       {QStringLiteral("aspectRatio"), m_aspect->currentText()},
                       {QStringLiteral("resolution"), m_resolution->currentText()},
                       {QStringLiteral("numOutputs"), m_count->value()},
                       {QStringLiteral("seed"), seed ? QJsonValue(double(*seed)) : QJsonValue(QJsonValue::Null)}};
}

void PromptBar::applySettings(const vesper::Generation &g)
{
    const QJsonObject p = g.parameters;
    if (!m_models->selectModel(g.modelId))
        m_ctx->report(UiContext::Severity::Warning, tr("The model %1 is not offered any more; the rest was applied.").arg(g.modelId));
    modelChosen();
    if (const int i = m_aspect->findText(p.value(QStringLiteral("aspectRatio")).toString()); i >= 0)
        m_aspect->setCurrentIndex(i);
    const QJsonValue resolution = p.value(QStringLiteral("resolution"));
    const QString res = resolution.isDouble() ? QString::number(resolution.toInt()) : resolution.toString();
    if (const int i = m_resolution->findText(res); i >= 0)
        m_resolution->setCurrentIndex(i);
    m_count->setValue(p.value(QStringLiteral("numOutputs")).toInt(1));
    const QJsonValue seed = p.value(QStringLiteral("seed"));
    m_seed->setSeed(seed.isDouble() ? std::optional<qint64>(qint64(seed.toDouble())) : std::nullopt);
    replaceText(m_negative, g.negativePrompt);
    m_negativeToggle->setChecked(!g.negativePrompt.isEmpty());
    m_references->clear();
    QStringList uploads;
    for (const QJsonValue &id : p.value(QStringLiteral("referenceUploadIds")).toArray())
        uploads << id.toString();
    m_references->addUploads(uploads);
    setPrompt(g.prompt);
    updateState();
}

void PromptBar::addReferenceOutput(const QString &outputId)
{
    m_references->addOutput(outputId);
}

void PromptBar::addReferenceFile(const QString &path)
{
    m_references->addFile(path);
}

void PromptBar::focusPrompt()
{
    m_prompt->setFocus(Qt::ShortcutFocusReason);
}

void PromptBar::generate()
{
    updateState();
    if (!m_reason.isEmpty())
        return m_ctx->report(UiContext::Severity::Info, m_reason);
    client::GenerateParams params;
    params.sessionId = m_sessionId;
    params.modelId = m_models->currentModelId();
    params.prompt = prompt().trimmed();
    params.negativePrompt = negativePrompt().trimmed();
    params.aspectRatio = m_aspect->currentText();
    params.resolution = m_resolution->currentText();
    params.numOutputs = m_count->value();
    params.seed = m_seed->seed();
    params.referenceUploadIds = m_references->uploadIds();
    const client::OutboxWrite write = m_ctx->workspace()->outbox().requestGeneration(params);
    if (!write.ok())
        return m_ctx->reportError(tr("The generation could not be queued."), write.error);
    Q_EMIT generationQueued(write.localId);
    m_ctx->submitWrites();
}

void PromptBar::chooseReferenceFiles()
{
    const QStringList files = QFileDialog::getOpenFileNames(this, tr("Add reference images"), {},
                                                            tr("Images (*.png *.jpg *.jpeg *.webp)"));
    for (const QString &file : files)
        addReferenceFile(file);
}

QStringList PromptBar::imageFilesIn(const QMimeData *mime)
{
    QStringList files;
    if (!mime || !mime->hasUrls())
        return files;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && ReferenceStrip::isImageFile(url.toLocalFile()))
            files << url.toLocalFile();
    }
    return files;
}

bool PromptBar::eventFilter(QObject *watched, QEvent *event)
{
    // Image files dropped on the text fields become references instead of their paths as text.
    if (event->type() == QEvent::DragEnter || event->type() == QEvent::DragMove) {
        auto *drag = static_cast<QDragMoveEvent *>(event);
        if (!imageFilesIn(drag->mimeData()).isEmpty()) {
            drag->acceptProposedAction();
            return true;
        }
    } else if (event->type() == QEvent::Drop) {
        auto *drop = static_cast<QDropEvent *>(event);
        const QStringList files = imageFilesIn(drop->mimeData());
        if (!files.isEmpty()) {
            for (const QString &file : files)
                addReferenceFile(file);
            drop->acceptProposedAction();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void PromptBar::dragEnterEvent(QDragEnterEvent *event)
{
    if (!imageFilesIn(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void PromptBar::dropEvent(QDropEvent *event)
{
    const QStringList files = imageFilesIn(event->mimeData());
    for (const QString &file : files)
        addReferenceFile(file);
    if (!files.isEmpty())
        event->acceptProposedAction();
}

} // namespace vesper::ui
