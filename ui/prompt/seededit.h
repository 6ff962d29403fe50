#pragma once
// The seed: "random" (the server picks one and stores it, so a rerun still paints the same images)
// or a fixed number, with a button that rolls a new fixed one.
#include <QWidget>
#include <optional>

class QSpinBox;
class QToolButton;

namespace vesper::ui {

class SeedEdit : public QWidget {
    Q_OBJECT
public:
    explicit SeedEdit(QWidget *parent = nullptr);

    /// nullopt: random.
    std::optional<qint64> seed() const;
    void setSeed(std::optional<qint64> seed);
    /// Picks a new fixed seed.
    void reroll();
    QSpinBox *spinBox() const { return m_spin; }

private:
    QSpinBox *m_spin;
    QToolButton *m_reroll;
};

} // namespace vesper::ui
