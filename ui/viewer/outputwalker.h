#pragma once
// Previous/next in the viewer: every output of every generation a GenerationListModel holds, in row
// order then output order, skipping outputs that are hidden (deleted, waiting for undo) and rows that
// have none yet (queued, failed). Near the end of what is loaded it asks the model for more rows.
#include <QSet>
#include <QString>
#include <QStringList>

namespace vesper::client {
class GenerationListModel;
}

namespace vesper::ui {

struct OutputPosition {
    QString generationId;
    QString outputId;
    bool isValid() const { return !outputId.isEmpty(); }
    friend bool operator==(const OutputPosition &, const OutputPosition &) = default;
};

class OutputWalker {
public:
    explicit OutputWalker(client::GenerationListModel *model = nullptr) : m_model(model) {}
    void setModel(client::GenerationListModel *model) { m_model = model; }
    /// Outputs never stepped onto (pending deletes).
    void setHidden(const QSet<QString> &outputIds) { m_hidden = outputIds; }

    /// The output after from (invalid at the end); loads more rows when from is near the end.
    OutputPosition next(const OutputPosition &from) const;
    /// The output before from (invalid at the start).
    OutputPosition previous(const OutputPosition &from) const;
    /// from itself when it can be shown, else the next one, else the previous one.
    OutputPosition nearest(const OutputPosition &from) const;
    /// Output ids of a row in output order.
    QStringList outputsAt(int row) const;

private:
    OutputPosition step(const OutputPosition &from, int direction) const;
    int rowOf(const OutputPosition &position) const;
    void fetchMoreNear(int row) const;
    client::GenerationListModel *m_model;
    QSet<QString> m_hidden;
};

} // namespace vesper::ui
