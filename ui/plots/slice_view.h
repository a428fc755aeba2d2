#pragma once
// A 1-D slice of the GP surrogate (Qt Charts): the posterior mean and a
// band of +/- 2 standard errors along one parameter, the other parameters
// fixed (by default at the best trial's values), with the completed trials'
// values against that parameter as points. A log parameter gets a log axis;
// a categorical one is drawn as categories with error bars. Behind the mean,
// in orange, how much it depends on the GP's hyperparameters: the
// 10th-90th percentile of the mean over 16 posterior draws of them
// (analysis::sliceSpread) and each draw's curve, computed on a worker thread
// (one computation at a time, the newest request waiting, stale results
// dropped; none above 256 observations). A caption below says where the
// other parameters are fixed and what the band and the spread are.
#include "analysis/grid.h"
#include "analysis/slice_spread.h"
#include "gp/surrogate.h"
#include "plots/axis_bounds.h"
#include "study/trial.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

class QChart;
class QAbstractAxis;
class QAbstractSeries;
class QCategoryAxis;
class QChartView;
class QComboBox;
class QLabel;
class QStackedWidget;
class QValueAxis;

namespace tw::ui {

class SliceView : public QWidget {
    Q_OBJECT
public:
    explicit SliceView(QWidget* parent = nullptr);
    ~SliceView() override;

    /// nullptr: not enough data yet (the view says why). Keeps the chosen
    /// parameter when the new surrogate's space has it.
    /// The objective's possible values: the value axis (mean ± 2 SE band
    /// included) stays within them.
    void setValueBounds(const ValueBounds& bounds) { _bounds = bounds; }
    void setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate, const std::vector<study::Trial>& trials,
                      study::Direction direction, const QString& objectiveName);
    /// Values of every parameter (the sliced one's is ignored); empty: the
    /// default, analysis::defaultFixedValues (the best trial).
    void setFixedValues(const std::vector<double>& fixed);
    /// The parameter along the x axis (also chosen in the widget's combo box).
    void setParameter(const QString& name);
    QString parameter() const;

    /// Why nothing is drawn; "" when drawing.
    QString emptyReason() const { return _emptyReason; }
    /// The slice drawn, when drawing.
    const std::optional<analysis::Slice>& slice() const { return _slice; }
    /// Points of the mean line and of each edge of the band (numeric axis), or
    /// categories (categorical axis); 0 when empty.
    int bandSize() const { return _bandSize; }
    /// Observed trials plotted.
    int observedCount() const { return _observedCount; }
    /// The caption under the chart (fixed values and what the points are).
    QString caption() const;
    /// The note shown while observations are few ("" otherwise).
    QString trustNote() const;

    /// How the spread over GP hyperparameter draws is drawn (draws = 0: none,
    /// the MAP band alone).
    void setSpreadOptions(const analysis::DrawOptions& options);
    /// The spread drawn behind the mean; nullopt while it is computed, when
    /// the GP has more than options.maxObservations observations, when off,
    /// or while the view is empty.
    const std::optional<analysis::SliceSpread>& spread() const { return _spread; }
    /// True from a request for a spread until its result is handled.
    bool isComputingSpread() const { return _spreadRunning || _spreadPending.has_value(); }
    /// The hover text of the spread at point k of the slice ("" without one).
    QString spreadTooltip(int k) const;

    /// Light or dark chart theme; by default it follows the widget's palette.
    void setDark(bool dark);
    bool dark() const { return _dark; }

    /// Chart and caption as .png (2x), .svg or .pdf; false with `*error` set
    /// on failure or when there is nothing to draw.
    bool exportImage(const QString& path, QString* error = nullptr) const;

    QChart* chart() const { return _chart; }

    /// When on, a hidden view (another page of the window) postpones its
    /// computation and chart until it is shown: at 1,000 observations a
    /// slice and its points cost tens of milliseconds. Off by default.
    void setDeferWhileHidden(bool on) { _defer = on; }

Q_SIGNALS:
    void parameterChanged(const QString& name);
    /// A spread over hyperparameter draws was computed and drawn (or failed:
    /// the caption says so).
    void spreadChanged();

protected:
    void changeEvent(QEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void rebuild();
    void showEmpty(const QString& reason);
    void buildNumeric(const analysis::Slice& s);
    void buildCategorical(const analysis::Slice& s);
    void addObserved(const analysis::Axis& axis, bool logX);
    /// The spread's series behind the mean (numeric axis: the envelope and
    /// each draw's curve; categorical: a box per choice), widening [lo, hi].
    std::vector<QAbstractSeries*> addSpread(const analysis::Slice& s, double& lo, double& hi);
    QString spreadCaption() const;

    static constexpr int kSliceResolution = 60;  // points of a numeric slice

    /// What a spread is computed for: the shown slice's surrogate,
    /// parameter and fixed values.
    struct SpreadRequest {
        std::shared_ptr<const gp::Surrogate> surrogate;
        std::string parameter;
        std::vector<double> fixed;
        analysis::DrawOptions options;
        quint64 generation = 0;
    };
    struct SpreadResult {
        analysis::SliceSpread spread;
        QString error;
        quint64 generation = 0;
    };
    /// Asks for the spread of the slice being drawn unless it is shown or asked already.
    void wantSpread(const std::vector<double>& fixed);
    void dropSpread();
    void startSpread();
    void onSpreadFinished();
    /// Shows this x axis and hides the other (axes stay in the chart: a
    /// removed axis lingers on screen until its deleteLater).
    void useXAxis(QAbstractAxis* axis);
    void finishYAxis(double lo, double hi);

    QStackedWidget* _stack = nullptr;
    QWidget* _plotArea = nullptr;
    QLabel* _emptyLabel = nullptr;
    QLabel* _caption = nullptr;
    QLabel* _trust = nullptr;   // few observations: read with care
    QComboBox* _paramBox = nullptr;
    QChartView* _view = nullptr;
    QChart* _chart = nullptr;
    QValueAxis* _xValue = nullptr;    // a linear parameter
    QCategoryAxis* _xCat = nullptr;   // a log parameter (log10 units) or a categorical one
    QAbstractAxis* _xCurrent = nullptr;
    QValueAxis* _y = nullptr;

    std::shared_ptr<const gp::Surrogate> _surrogate;
    std::vector<study::Trial> _trials;
    study::Direction _direction = study::Direction::Minimize;
    QString _objective;
    ValueBounds _bounds;
    std::vector<double> _fixedExplicit;
    QString _parameter;
    std::optional<analysis::Slice> _slice;
    QString _emptyReason;
    int _bandSize = 0, _observedCount = 0;
    bool _dark = false, _darkExplicit = false;
    bool _defer = false, _stale = false;
    int _styledDark = -1;   // the theme last applied (-1: none yet)

    analysis::DrawOptions _spreadOptions;
    std::optional<SpreadRequest> _spreadWanted;   // for the slice shown (its generation: the newest)
    std::optional<SpreadRequest> _spreadPending;  // waiting for the running one
    std::optional<analysis::SliceSpread> _spread; // computed for _spreadWanted
    QString _spreadError;
    quint64 _spreadGeneration = 0;
    bool _spreadRunning = false;  // from the start of a computation until its result is handled
    QFutureWatcher<SpreadResult> _spreadWatcher;
};

} // namespace tw::ui
