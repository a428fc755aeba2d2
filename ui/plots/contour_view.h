#pragma once
// The interactive contour view: the GP mean and standard error over two
// parameters (Ax-style panels by ContourRenderer), with the acquisition of
// the model that chooses the next trial (its proposal and the running trials
// marked) once a GP study is past its initial trials, and P(failure) when
// trials failed; or every pair as small multiples. The other parameters are
// fixed at values the user sets with sliders (or at a trial's values, or at
// the next proposal's), the best trial by default. Grids are computed off the
// GUI thread, at most every ~100 ms; stale results are dropped.
#include "plots/contour_renderer.h"
#include "plots/study_model.h"
#include "study/trial.h"

#include <QFutureWatcher>
#include <QString>
#include <QWidget>

#include <map>
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
    /// The study's model (SurrogateFitter); nullptr: not enough data yet
    /// (the view says why).
    void setModel(StudyModelPtr model);
    /// A surrogate alone: the mean and SE panels only.
    void setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate);
    StudyModelPtr model() const { return _model; }
    /// False (and the pair unchanged) when a name is unknown or x == y.
    bool setPair(const QString& x, const QString& y, QString* error = nullptr);
    QString xParameter() const;
    QString yParameter() const;
    void setAllPairs(bool on);
    bool allPairs() const { return _allPairs; }
    /// Fixes the other parameters at this trial's values.
    void fixAtTrial(const study::Trial& t);
    /// Fixes them at the next proposal's values (where the acquisition
    /// panel's slice passes through it); false when there is none.
    bool fixAtNext();
    void resetFixedToBest();
    std::vector<double> fixedValues() const { return _fixed; }
    /// True when the user set the fixed values (sliders or a trial), false
    /// while they follow the best trial.
    bool fixedByUser() const { return _fixedByUser; }
    void setResolution(int points) { _resolution = points; }

    /// Panels drawn: 2 to 4 for one pair (mean, SE, acquisition, P(failure)),
    /// as many per pair in all-pairs mode, 0 while empty or computing the
    /// first grid.
    int panelCount() const;
    /// The panels of each plot shown (one pair: one entry).
    std::vector<ContourPanel> panels() const;
    /// The plots shown (one pair: one), with their grids.
    const std::vector<ContourPlotData>& plots() const { return _plots; }
    /// The note shown while observations are few ("" otherwise).
    QString trustNote() const;
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
    /// The user asked what the model predicts at a configuration (a point
    /// double-clicked on a plot, the What if… button): every parameter's value.
    void whatIfRequested(const std::vector<double>& values);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Computed {
        int generation = 0;
        int layout = 0;
        std::vector<analysis::Grid2D> grids;
        std::vector<std::map<ContourPanel, std::vector<QPainterPath>>> lines;  // each grid's, computed beside it
        QString error;
    };
    ContourPlotData plotData(const analysis::Grid2D& grid) const;
    /// Whether grids need the acquisition and feasibility (addAcquisition).
    bool wantsAcquisition() const;
    void fixAt(const std::vector<double>& values, const QString& why);
    void updateButtons();
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
    StudyModelPtr _model;
    std::shared_ptr<const gp::Surrogate> _surrogate;  // the model's
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
    QPushButton* _nextButton;
    QPushButton* _whatIfButton;
    QLabel* _status;
    QLabel* _trust;
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
