#pragma once
// The session page's grid: a session's generations newest first (or search results), as cards with
// their pictures, progress and state, read from the cache and updated row by row from
// UiContext::cacheChanged so the user's place and selection survive syncs, new images and deletions.
// Enter or a double-click opens an output; Space shows it large over the grid (QuickLook); cards
// offer Cancel (running) and Retry (failed).
#include "client/thumbnails/thumbnailcache.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QModelIndex;

namespace vesper::client {
class GenerationListModel;
} // namespace vesper::client

namespace vesper::ui {

class GalleryGrid;
class GenerationCardDelegate;
class GenerationCommands;
class QuickLook;
class ThumbnailBinder;
class UiContext;

class SessionGalleryView : public QWidget {
    Q_OBJECT
public:
    explicit SessionGalleryView(UiContext *ctx, QWidget *parent = nullptr);
    ~SessionGalleryView() override;

    /// Shows a session's generations (empty: none); leaves search mode.
    void setSession(const QString &id);
    QString sessionId() const { return m_sessionId; }
    /// Shows generations whose prompts match text; an empty text goes back to the session, at the
    /// card and scroll place it had before the search. The same text again is a no-op.
    void showSearch(const QString &text);
    /// The model behind the grid (null without a workspace); the viewer walks it.
    client::GenerationListModel *model() const { return m_model; }
    /// Picture edge in pixels (96..512); Ctrl+= and Ctrl+- step it.
    void setThumbnailSize(int px);
    int thumbnailSize() const;
    /// The generation of the current card (empty when none).
    QString currentGenerationId() const;
    /// Makes the card of a generation current and scrolls to it (when loaded).
    void selectGeneration(const QString &generationId);
    /// Zoom in/out actions (Ctrl+=, Ctrl+-) for the View menu.
    QList<QAction *> actions() const;
    /// The window's zoom actions (View ▸ Bigger/Smaller thumbnails) replace the view's own Ctrl+= and
    /// Ctrl+- ones: one action per key in the window, or neither key would trigger. The context menu
    /// lists these from then on.
    void useZoomActions(QAction *bigger, QAction *smaller);

    /// Uses cache instead of the workspace's thumbnails (tests, benchmarks); null: the workspace's.
    void setThumbnailCache(client::ThumbnailCache *cache);
    GalleryGrid *grid() const { return m_grid; }
    QuickLook *quickLook() const { return m_quickLook; }
    ThumbnailBinder *binder() const { return m_binder; }

Q_SIGNALS:
    void outputActivated(const QString &generationId, const QString &outputId);
    void thumbnailSizeChanged(int px);

private:
    /// Where the user was in the session: the current card, and a card on screen with its offset.
    struct Place {
        QString currentId;
        QString anchorId;
        int anchorTop = 0;
        int scroll = 0;
    };
    Place savePlace() const;
    void restorePlace(const Place &place);
    void rebuildModel();
    /// Rebinds the model to the new workspace's cache when it is the same cache; else rebuilds.
    void workspaceChanged();
    void applyCache();
    void updateEmptyText();
    void activate(const QModelIndex &index);
    void showQuickLook(const QModelIndex &index);
    void showContextMenu(const QPoint &pos);
    void retry(const QString &generationId);
    UiContext *m_ctx;
    GalleryGrid *m_grid;
    GenerationCardDelegate *m_delegate;
    ThumbnailBinder *m_binder;
    QuickLook *m_quickLook;
    GenerationCommands *m_commands;
    client::GenerationListModel *m_model = nullptr;
    QPointer<client::ThumbnailCache> m_cacheOverride;
    QAction *m_zoomIn;
    QAction *m_zoomOut;
    QString m_sessionId;
    QString m_searchText;
    Place m_sessionPlace; // saved when a search starts, restored when it is cleared
};

} // namespace vesper::ui
