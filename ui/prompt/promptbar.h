#pragma once
// Where images are asked for: the prompt (multi-line, with its own undo), an optional negative
// prompt, the model and the settings it offers, the seed and reference images, and Generate
// (Ctrl+Return). Generating queues the request in the outbox — a pending card appears in the gallery
// at once, online or not — and sends it. Generate is disabled with the reason shown when it cannot
// work. The last model, aspect ratio, resolution and count are remembered. Beside the prompt sit
// Enhance and Assistant, which only ask (the assistant drawer answers): the bar's text changes only
// through setPrompt and friends, each one undoable.
#include "domain/generation.h"

#include <QJsonObject>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QMimeData;
class QPlainTextEdit;
class QSpinBox;
class QToolButton;

namespace vesper::ui {

class ModelPicker;
class ReferenceStrip;
class SeedEdit;
class UiContext;

class PromptBar : public QWidget {
    Q_OBJECT
public:
    explicit PromptBar(UiContext *ctx, QWidget *parent = nullptr);

    /// The session new generations go to (empty: none, Generate is disabled).
    void setSession(const QString &sessionId);
    QString sessionId() const { return m_sessionId; }
    /// Replaces the prompt as one undoable edit (Ctrl+Z in the prompt brings the old one back).
    void setPrompt(const QString &prompt);
    /// Replaces the negative prompt as one undoable edit (and shows it when not empty).
    void setNegativePrompt(const QString &negativePrompt);
    /// Takes the settings an assistant suggestion names — any of modelId, aspectRatio, resolution,
    /// numOutputs, seed (null: random) — and keeps the others. Returns the names of those it could
    /// not take (a model not offered, a ratio the model lacks), left as they were.
    QStringList applyParameters(const QJsonObject &parameters);
    /// The bar's current settings in applyParameters' form (with the seed null when random).
    QJsonObject parameters() const;
    /// What the chosen model makes: "image" or "video" (as the model lists it; "image" without one).
    QString generationType() const;
    /// Reference images attached now.
    int referenceCount() const;
    /// Takes a generation's prompt, negative prompt, model, aspect ratio, resolution, count, seed and
    /// reference images (each undoable where it is text).
    void applySettings(const vesper::Generation &g);
    /// Adds an output (already on the server) as a reference image.
    void addReferenceOutput(const QString &outputId);
    /// Adds an image file as a reference image (as a drop or the file dialog does).
    void addReferenceFile(const QString &path);
    void focusPrompt();
    QString prompt() const;
    QString negativePrompt() const;
    /// Ctrl+Return; disabled (with the reason as its tooltip) when generating cannot work now.
    QAction *generateAction() const { return m_generate; }
    /// The buttons beside the prompt: ask the assistant drawer to enhance the prompt / to open.
    QToolButton *enhanceButton() const { return m_enhanceButton; }
    QToolButton *assistantButton() const { return m_assistantButton; }
    /// Why Generate is disabled; empty when it is enabled.
    QString disabledReason() const { return m_reason; }
    /// Re-reads the models from the cache (after a sync brought the bootstrap).
    void reloadModels();

    QPlainTextEdit *promptEdit() const { return m_prompt; }
    ModelPicker *modelPicker() const { return m_models; }
    QComboBox *aspectPicker() const { return m_aspect; }
    QComboBox *resolutionPicker() const { return m_resolution; }
    QSpinBox *countBox() const { return m_count; }
    SeedEdit *seedEdit() const { return m_seed; }
    ReferenceStrip *references() const { return m_references; }

Q_SIGNALS:
    /// A generation was queued; localId is its pending row's id (its clientId).
    void generationQueued(const QString &localId);
    /// The session changed (setSession).
    void sessionChanged(const QString &sessionId);
    /// The prompt's text or the model changed (the assistant's context chips follow).
    void contextChanged();
    /// Enhance was clicked: the assistant should propose a fuller prompt (never rewrite it itself).
    void enhanceRequested();
    /// The Assistant button was clicked.
    void assistantRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void buildLayout();
    void modelChosen();
    void updateState();
    void generate();
    void chooseReferenceFiles();
    void rememberChoices();
    static void replaceText(QPlainTextEdit *edit, const QString &text);
    static QStringList imageFilesIn(const QMimeData *mime);

    UiContext *m_ctx;
    QString m_sessionId;
    QString m_reason;
    QPlainTextEdit *m_prompt;
    QPlainTextEdit *m_negative;
    QToolButton *m_negativeToggle;
    ModelPicker *m_models;
    QComboBox *m_aspect;
    QComboBox *m_resolution;
    QSpinBox *m_count;
    SeedEdit *m_seed;
    QToolButton *m_addReference;
    ReferenceStrip *m_references;
    QToolButton *m_generateButton;
    QToolButton *m_enhanceButton;
    QToolButton *m_assistantButton;
    QLabel *m_hint;
    QAction *m_generate;
    bool m_restoring = false;
};

} // namespace vesper::ui
