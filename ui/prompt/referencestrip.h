#pragma once
// Reference images for the next generation, as small chips with a remove button above the prompt.
// Each is uploaded to the server (POST /api/uploads) off the GUI thread the moment it is added — from
// a file, or from an output already on the server — so Generate only sends upload ids. Offline there
// is nothing to upload to: the error says the server must be reachable.
#include "client/net/apierror.h"

#include <QImage>
#include <QList>
#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace vesper::ui {

class UiContext;

/// What a worker brought back for one chip.
struct ReferenceUpload {
    QString uploadId;
    QImage thumbnail;
    QString error; // empty on success
};

class ReferenceStrip : public QWidget {
    Q_OBJECT
public:
    explicit ReferenceStrip(UiContext *ctx, QWidget *parent = nullptr);

    /// Reads and uploads an image file.
    void addFile(const QString &path);
    /// Downloads an output's full file and uploads it.
    void addOutput(const QString &outputId);
    /// Shows uploads already on the server (reuse of a generation's settings).
    void addUploads(const QStringList &uploadIds);
    void clear();

    /// Upload ids of the finished chips, in order.
    QStringList uploadIds() const;
    /// Chips shown, uploading or not.
    int count() const { return int(m_chips.size()); }
    int uploadingCount() const;

    /// Whether a file looks like an image this strip takes (by its name).
    static bool isImageFile(const QString &path);

Q_SIGNALS:
    /// A chip was added, finished uploading, failed or was removed.
    void changed();

private:
    struct Chip {
        int key = 0;
        QWidget *widget = nullptr;
        QLabel *picture = nullptr;
        QString uploadId;
        bool uploading = true;
    };
    int addChip();
    void run(int key, std::function<ReferenceUpload()> work);
    void finished(int key, const ReferenceUpload &result);
    void remove(int key);
    int indexOf(int key) const;
    static QString describeError(const client::ApiError &error);

    UiContext *m_ctx;
    QHBoxLayout *m_layout;
    QList<Chip> m_chips;
    int m_nextKey = 1;
};

} // namespace vesper::ui
