#pragma once
// The interactive contour view: the GP mean and standard error over two
// parameters (Ax-style panels by ContourRenderer), or every pair as small
// multiples; the other parameters fixed at values the user sets with sliders
// (or at a trial's values), the best trial by default. Grids are computed off
// the GUI thread, at most every ~100 ms; stale results are dropped.
#include "plots/contour_renderer.h"
#include "study/trial.h"

#include <QFutureWatcher>
#include <QString>
#include <QWidget>

#include <memory>
#include <vector>

class QCheckBox;
class QComboBox;
class QGridLayout;
class QLabel;
class QPushButton;
class QScrollArea;
class QStackedWidget;
class QTimer;

namespace tw::gp { class Surrogate; }

namespace tw::ui {

class ContourCanvas;
class FixedValuesPanel;

class ContourView : public QWidget {
    Q_OBJECT
public:
    explicit ContourView(QWidget* parent = nullptr);
    ~ContourView() override;

    void setStudy(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                  study::Direction direction, const QString& objectiveName, const QString& studyName);
    /// nullptr: not enough data yet (the view says why).
    void setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate);
    /// False (and the pair unchanged) when a name is unknown or x == y.
    bool setPair(const QString& x, const QString& y, QString* error = nullptr);
    QString xParameter() const;
    QString yParameter() const;
    void setAllPairs(bool on);
    bool allPairs() const { return _allPairs; }
    /// Fixes the other parameters at this trial's values.
    void fixAtTrial(const study::Trial& t);
    void resetFixedToBest();
    std::vector<double> fixedValues() const { return _fixed; }
    /// True when the user set the fixed values (sliders or a trial), false
    /// while they follow the best trial.
    bool fixedByUser() const { return _fixedByUser; }
    void setResolution(int points) { _resolution = points; }

    /// Mean and SE panels drawn: 2 for one pair, 2 per pair in all-pairs
    /// mode, 0 while empty or computing the first grid.
    int panelCount() const;
    /// "" when drawing; otherwise why the view is empty (with conditional
    /// parameters: also when the pair, or every pair, is inactive at the
    /// fixed values).
    QString emptyReason() const;
    /// Blocks until the pending grids are computed and shown (tests, exports).
    void waitForGrids();

    bool exportImage(const QString& path, QString* error = nullptr) const;
    /// One image per pair into `folder`, named "<x>_vs_<y>.<format>".
    bool exportAllPairs(const QString& folder, const QString& format, QString* error = nullptr) const;
    bool exportGridCsv(const QString& path, QString* error = nullptr) const;

Q_SIGNALS:
    void fixedValuesChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Computed {
        int generation = 0;
        int layout = 0;
        std::vector<analysis::Grid2D> grids;
        QString error;
    };
    ContourPlotData plotData(const analysis::Grid2D& grid) const;
    analysis::Grid2D grid(int x, int y, int resolution) const;
    std::vector<std::pair<int, int>> pairs() const;
    void fillCombos();
    void scheduleRecompute();
    void recompute();
    void onComputed();
    void showPlots();
    void layoutSmallMultiples();

    space::SearchSpace _space;
    std::vector<study::Trial> _trials;
    study::Direction _direction = study::Direction::Minimize;
    QString _objective, _studyName;
    std::shared_ptr<const gp::Surrogate> _surrogate;
    std::vector<double> _fixed;
    bool _fixedByUser = false;
    bool _allPairs = false;
    int _resolution = 50;
    int _x = 0, _y = 1;
    int _generation = 0;   // of the newest computation started
    int _shown = 0;        // the generation whose grids are shown
    int _layout = 0;       // bumped when the space, the pair or the mode changes
    std::vector<ContourPlotData> _plots;   // shown
    std::vector<std::pair<int, int>> _plotPairs; // their axes
    std::vector<std::pair<int, int>> _smallPairs; // of the small multiples' canvases
    QString _error;

    QComboBox* _xBox;
    QComboBox* _yBox;
    QCheckBox* _allBox;
    QPushButton* _resetButton;
    QLabel* _status;
    QStackedWidget* _stack;
    ContourCanvas* _single;
    QScrollArea* _scroll;
    QWidget* _grid;
    QGridLayout* _gridLayout;
    std::vector<ContourCanvas*> _small;
    int _columns = 0;     // of the small multiples' grid
    FixedValuesPanel* _fixedPanel;
    QTimer* _debounce;
    QFutureWatcher<std::shared_ptr<Computed>> _watcher;
    bool _computing = false;  // until onComputed() ran (not the watcher's isRunning())
    bool _again = false;      // settings changed while computing: recompute when done
};

} // namespace tw::ui
