#include "ui/viewer/outputwalker.h"

#include "client/models/generationlistmodel.h"

namespace vesper::ui {

namespace {
constexpr int kFetchAheadRows = 5; // rows before the end at which the next page is read
}

QStringList OutputWalker::outputsAt(int row) const
{
    if (!m_model || row < 0 || row >= m_model->rowCount())
        return {};
    return m_model->data(m_model->index(row), client::GenerationListModel::OutputIdsRole).toStringList();
}

int OutputWalker::rowOf(const OutputPosition &position) const
{
    if (!m_model)
        return -1;
    const int row = m_model->rowOf(position.generationId);
    return row >= 0 ? row : m_model->rowOfOutput(position.outputId);
}

void OutputWalker::fetchMoreNear(int row) const
{
    if (m_model && row >= m_model->rowCount() - kFetchAheadRows && m_model->canFetchMore({}))
        m_model->fetchMore({});
}

OutputPosition OutputWalker::step(const OutputPosition &from, int direction) const
{
    int row = rowOf(from);
    if (row < 0)
        return {};
    if (direction > 0)
        fetchMoreNear(row);
    QStringList outputs = outputsAt(row);
    int index = outputs.indexOf(from.outputId);
    if (index < 0) // the output went away: start at the edge of its row
        index = direction > 0 ? -1 : outputs.size();
    for (;;) {
        index += direction;
        while (index < 0 || index >= outputs.size()) {
            row += direction;
            if (direction > 0)
                fetchMoreNear(row);
            if (row < 0 || row >= m_model->rowCount())
                return {};
            outputs = outputsAt(row);
            index = direction > 0 ? 0 : outputs.size() - 1;
        }
        if (!m_hidden.contains(outputs.at(index))) {
            const QString generationId = m_model->data(m_model->index(row), client::GenerationListModel::IdRole).toString();
            return {generationId, outputs.at(index)};
        }
    }
}

OutputPosition OutputWalker::next(const OutputPosition &from) const
{
    return step(from, +1);
}

OutputPosition OutputWalker::previous(const OutputPosition &from) const
{
    return step(from, -1);
}

OutputPosition OutputWalker::nearest(const OutputPosition &from) const
{
    const int row = rowOf(from);
    if (row >= 0 && !m_hidden.contains(from.outputId) && outputsAt(row).contains(from.outputId))
        return from;
    const OutputPosition after = next(from);
    return after.isValid() ? after : previous(from);
}

} // namespace vesper::ui
