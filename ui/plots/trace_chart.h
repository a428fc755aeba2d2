#pragma once
// The optimization trace (Qt Charts): every complete trial's objective against
// its number, the best-so-far step line, failed trials as red crosses along
// the bottom edge and pruned ones as hollow grey markers at their last
// intermediate value (at the bottom edge when they reported none). Hovering a
// point shows the trial's number, value and parameters; clicking it emits
// trialClicked. Updates replace the series' points (O(n) per update), so a
// thousand trials stay fluid.
#include "plots/axis_bounds.h"
#include "space/search_space.h"
#include "study/trial.h"

#include <QHash>
#include <QPointF>
#include <QWidget>

#include <vector>

class QChart;
class QChartView;
class QCheckBox;
class QLineSeries;
class QCategoryAxis;
class QScatterSeries;
class QValueAxis;
class QXYSeries;

namespace tw::ui {

class TraceChart : public QWidget {
    Q_OBJECT
public:
    explicit TraceChart(QWidget* parent = nullptr);

    void setTrials(const std::vector<study::Trial>& trials, const space::SearchSpace& space,
                   study::Direction direction, const QString& objectiveName);

    /// The objective's possible values (accuracy at most 1, a loss at least
    /// 0): the value axis stays within them.
    void setValueBounds(const ValueBounds& bounds);

    /// A logarithmic objective axis; it takes effect only while every plotted
    /// value is > 0 (otherwise the axis stays linear and the check box's
    /// tooltip says why). logScale() is whether the axis is logarithmic now.
    void setLogScale(bool on);
    bool logScale() const { return _logActive; }
    bool logScaleRequested() const { return _logRequested; }

    /// Rings the trial's point (-1: none).
    void setSelectedTrial(int number);
    int selectedTrial() const { return _selectedNumber; }

    /// Objective points plotted (complete trials with a finite value).
    int pointCount() const;
    /// The best-so-far step line's points, in axis units (log10 of the value
    /// while the axis is logarithmic), as are all plotted points.
    QList<QPointF> bestSoFar() const;
    /// Points of the failed and pruned series.
    int failedCount() const;
    int prunedCount() const;

    /// Light or dark chart theme; by default it follows the widget's palette.
    void setDark(bool dark);
    bool dark() const { return _dark; }

    /// The hover text of a trial: number, state, value and parameters.
    QString tooltipFor(int number) const;

    /// .png (2x), .svg or .pdf, by suffix; false with `*error` set on failure.
    bool exportImage(const QString& path, QString* error = nullptr) const;

    QChart* chart() const { return _chart; }

Q_SIGNALS:
    void trialClicked(int number);

protected:
    void changeEvent(QEvent* event) override;

private:
    void applyTheme();
    void updateAxes();
    void updateSelection();
    void onHovered(const QPointF& point, bool state);
    void onClicked(const QPointF& point);
    /// Where a trial is drawn, in axis units (NaN y when it is not plotted).
    QPointF plottedPoint(const study::Trial& t) const;
    /// The trial's last finite intermediate value, or NaN.
    static double lastIntermediate(const study::Trial& t);

    QChartView* _view = nullptr;
    QChart* _chart = nullptr;
    QCheckBox* _logBox = nullptr;
    QScatterSeries* _complete = nullptr;
    QScatterSeries* _pruned = nullptr;
    QScatterSeries* _failed = nullptr;
    QScatterSeries* _selected = nullptr;
    QLineSeries* _best = nullptr;
    QValueAxis* _x = nullptr;
    QValueAxis* _yLinear = nullptr;
    QCategoryAxis* _yLog = nullptr;  // labels at log10 positions

    std::vector<study::Trial> _trials;
    QHash<int, int> _indexOf;  // trial number -> index in _trials
    space::SearchSpace _space;
    study::Direction _direction = study::Direction::Minimize;
    QString _objective;
    ValueBounds _bounds;
    double _bottom = 0.0;      // y of the markers along the bottom edge
    bool _logRequested = false, _logActive = false;
    bool _dark = false, _darkExplicit = false;
    int _selectedNumber = -1;
};

} // namespace tw::ui
