#pragma once
// Learning curves (Qt Charts): the training loss (solid, left axis) and a
// validation metric (dashed, right axis) per epoch for several trials, one
// colour per trial, legend "trial N". Calling setCurves again (a running
// trial's curve grew) replaces the points of the existing series; only the
// series of trials that appear or disappear are added or removed.
#include "plots/axis_bounds.h"
#include "study/trial.h"

#include <QStringList>
#include <QWidget>

#include <map>
#include <string>
#include <vector>

class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;

namespace tw::ui {

class LearningCurveChart : public QWidget {
    Q_OBJECT
public:
    struct Curve {
        int trial = -1;
        std::vector<double> epochs, trainLoss, validation;  // NaN where an epoch lacks the value
        bool running = false;
    };

    /// From userAttrs["curve"] (an array of {"epoch", "train_loss",
    /// "validation": {metric: value}, "elapsed"}); an empty `metric` takes the
    /// first one recorded. Without a "curve", the intermediate values stand
    /// for the validation metric.
    static Curve curveOf(const study::Trial& t, const std::string& metric);
    /// The validation metrics a trial's curve records, in order of appearance.
    static QStringList metricsOf(const study::Trial& t);

    explicit LearningCurveChart(QWidget* parent = nullptr);

    /// Several trials overlaid, in distinct colours (a trial keeps its colour
    /// while it stays shown).
    void setCurves(std::vector<Curve> curves, const QString& metricName);
    /// The validation metric's possible values (accuracy at most 1, ...);
    /// the training-loss axis never goes below 0.
    void setMetricBounds(const ValueBounds& bounds);
    int curveCount() const { return int(_curves.size()); }
    const std::vector<Curve>& curves() const { return _curves; }
    /// Line series created so far (both kinds): updates of the same trials
    /// create none.
    int seriesCreated() const { return _seriesCreated; }

    /// Light or dark chart theme; by default it follows the widget's palette.
    void setDark(bool dark);
    bool dark() const { return _dark; }

    /// .png (2x), .svg or .pdf, by suffix; false with `*error` set on failure.
    bool exportImage(const QString& path, QString* error = nullptr) const;

    QChart* chart() const { return _chart; }

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Lines {
        QLineSeries* train = nullptr;
        QLineSeries* validation = nullptr;
        int color = 0;
    };
    void applyTheme();
    void styleLines(const Lines& lines, bool running) const;
    void updateAxes();

    QChartView* _view = nullptr;
    QChart* _chart = nullptr;
    QValueAxis* _x = nullptr;
    QValueAxis* _yLoss = nullptr;
    QValueAxis* _yMetric = nullptr;
    std::vector<Curve> _curves;
    std::map<int, Lines> _lines;  // by trial number
    QString _metric;
    ValueBounds _metricBounds;
    int _seriesCreated = 0;
    bool _dark = false, _darkExplicit = false;
};

} // namespace tw::ui
