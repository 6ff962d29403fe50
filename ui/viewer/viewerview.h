#pragma once
// The viewer page: one picture large (the full image, its thumbnail scaled meanwhile), zoomed and
// panned, with its generation's details beside it and the things one does with a picture one likes
// or not — star, reuse its prompt or settings, use it as a reference, copy, save, drag out, delete
// (undoable for a few seconds) — each on a key. Left/Right walk every output of the gallery's model.
#include "domain/generation.h"
#include "ui/viewer/outputwalker.h"

#include <QHash>
#include <QPointer>
#include <QTemporaryDir>
#include <QWidget>
#include <memory>

class QAction;
class QToolBar;

namespace vesper::client {
class GenerationListModel;
class ThumbnailCache;
}

namespace vesper::ui {

class DeferredDeletes;
class ImageCanvas;
class MetadataPanel;
class UiContext;
class UndoToast;

class ViewerView : public QWidget {
    Q_OBJECT
public:
    explicit ViewerView(UiContext *ctx, QWidget *parent = nullptr);
    /// Commits deletes still waiting for their undo period.
    ~ViewerView() override;

    /// Shows outputId of generationId; Left/Right then walk model's outputs (not owned; must
    /// outlive the viewer's use of it or be reopened).
    void open(client::GenerationListModel *model, const QString &generationId, const QString &outputId);
    QString currentGenerationId() const { return m_current.generationId; }
    QString currentOutputId() const { return m_current.outputId; }
    /// The generation shown, read from the cache (nullopt when none).
    std::optional<Generation> currentGeneration() const;

    /// The viewer's actions by name: back, previous, next, fit, actualSize, zoomIn, zoomOut, star,
    /// reusePrompt, reuseAll, useAsReference, copy, saveAs, delete, undo. Null for other names.
    QAction *action(const QString &name) const { return m_actions.value(name); }
    QList<QAction *> actions() const { return m_actions.values(); }
    /// Writes the shown output's full file to path off the GUI thread (Save as… without the dialog);
    /// saved or saveFailed follows.
    void saveTo(const QString &path);
    /// Uses cache instead of the workspace's thumbnails (tests); null: the workspace's. Before open().
    void setThumbnailCache(client::ThumbnailCache *cache);
    DeferredDeletes *deferredDeletes() const { return m_deletes; }
    ImageCanvas *canvas() const { return m_canvas; }
    MetadataPanel *metadata() const { return m_metadata; }
    UndoToast *toast() const { return m_toast; }

Q_SIGNALS:
    /// Esc: back to the gallery.
    void closed();
    void reusePrompt(const vesper::Generation &generation);
    void reuseAll(const vesper::Generation &generation);
    void useAsReference(const QString &outputId);
    void saved(const QString &path);
    void saveFailed(const QString &reason);

private:
    void buildActions();
    QAction *addViewerAction(const QString &name, const QString &text, const QList<QKeySequence> &keys);
    void showPosition(const OutputPosition &position);
    void showImage();
    void refreshDetails();
    void updateActions();
    void step(int direction);
    void toggleStar();
    void deleteCurrent();
    void undoDelete();
    void copyImage();
    void saveAs();
    void startDragOut();
    void modelRowsChanged();
    void thumbnailReady(const QString &outputId, const QString &variant, const QImage &image);
    void refreshHidden();
    std::optional<Output> currentOutput() const;
    client::ThumbnailCache *thumbnails() const;
    QSize fullSizeOf(const std::optional<Output> &output, const QImage &stand) const;

    UiContext *m_ctx;
    QPointer<client::GenerationListModel> m_model;
    OutputWalker m_walker;
    OutputPosition m_current;
    int m_lastRow = 0;
    DeferredDeletes *m_deletes;
    QSet<QString> m_committed;                 // deleted for good; hidden until the model drops them
    QHash<QString, QString> m_deletedFrom;     // output id -> its generation, for undo
    QHash<QString, QString> m_modelNames;
    QHash<QString, bool> m_localStars;         // stars queued here the cache does not show yet
    QHash<QString, QAction *> m_actions;
    QList<QMetaObject::Connection> m_modelConnections;
    QMetaObject::Connection m_thumbConnection;
    QMetaObject::Connection m_failConnection;
    std::unique_ptr<QTemporaryDir> m_dragDir;
    QPointer<client::ThumbnailCache> m_cacheOverride;
    QString m_copyWhenLoaded; // Copy pressed before the full image was in: copied when it arrives
    QToolBar *m_toolbar;
    ImageCanvas *m_canvas;
    MetadataPanel *m_metadata;
    UndoToast *m_toast;
};

} // namespace vesper::ui
