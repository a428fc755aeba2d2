// Learning curves (see learning_curve_chart.h).
#include "plots/learning_curve_chart.h"
#include "plots/plot_export.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace tw::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double numberOr(const nlohmann::json& j, const char* key, double fallback)
{
    if (j.is_object()) {
        const auto it = j.find(key);
        if (it != j.end() && it->is_number())
            return it->get<double>();
    }
    return fallback;
}

QList<QPointF> pointsOf(const std::vector<double>& x, const std::vector<double>& y)
{
    QList<QPointF> points;
    points.reserve(qsizetype(x.size()));
    for (size_t i = 0; i < x.size() && i < y.size(); ++i)
        if (std::isfinite(x[i]) && std::isfinite(y[i]))
            points << QPointF(x[i], y[i]);
    return points;
}

/// A padded range over the finite values; [0, 1] when none.
std::pair<double, double> rangeOf(const std::vector<LearningCurveChart::Curve>& curves,
                                  std::vector<double> LearningCurveChart::Curve::*member)
{
    double lo = INFINITY, hi = -INFINITY;
    for (const auto& c : curves)
        for (double v : c.*member)
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    if (!(lo <= hi))
        return {0.0, 1.0};
    const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(std::abs(hi) * 0.05, 1e-3);
    return {lo - pad, hi + pad};
}

} // namespace

LearningCurveChart::Curve LearningCurveChart::curveOf(const study::Trial& t, const std::string& metric)
{
    Curve c;
    c.trial = t.number;
    c.running = t.state == study::TrialState::Running;
    const auto it = t.userAttrs.is_object() ? t.userAttrs.find("curve") : t.userAttrs.end();
    if (it == t.userAttrs.end() || !it->is_array()) {
        for (const auto& iv : t.intermediate) {
            c.epochs.push_back(iv.step);
            c.trainLoss.push_back(kNaN);
            c.validation.push_back(iv.value);
        }
        return c;
    }
    std::string name = metric;
    for (const auto& e : *it) {
        if (!e.is_object())
            continue;
        const auto v = e.find("validation");
        if (name.empty() && v != e.end() && v->is_object() && !v->empty())
            name = v->begin().key();
        c.epochs.push_back(numberOr(e, "epoch", double(c.epochs.size() + 1)));
        c.trainLoss.push_back(numberOr(e, "train_loss", kNaN));
        c.validation.push_back(v != e.end() ? numberOr(*v, name.c_str(), kNaN) : kNaN);
    }
    return c;
}

QStringList LearningCurveChart::metricsOf(const study::Trial& t)
{
    QStringList names;
    if (!t.userAttrs.is_object() || !t.userAttrs.contains("curve") || !t.userAttrs["curve"].is_array())
        return names;
    for (const auto& e : t.userAttrs["curve"])
        if (e.is_object() && e.contains("validation") && e["validation"].is_object())
            for (auto it = e["validation"].begin(); it != e["validation"].end(); ++it)
                if (!names.contains(QString::fromStdString(it.key())))
                    names << QString::fromStdString(it.key());
    return names;
}

LearningCurveChart::LearningCurveChart(QWidget* parent) : QWidget(parent)
{
    _chart = new QChart;
    _view = new QChartView(_chart, this);
    _view->setRenderHint(QPainter::Antialiasing);
    _view->setMinimumSize(320, 220);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(_view);

    _x = new QValueAxis;
    _x->setTitleText(tr("epoch"));
    _x->setLabelFormat("%.0f");
    _x->setTickType(QValueAxis::TicksDynamic);
    _x->setTickAnchor(0.0);
    _yLoss = new QValueAxis;
    _yLoss->setTitleText(tr("training loss (solid)"));
    _yMetric = new QValueAxis;
    _yMetric->setGridLineVisible(false);
    _chart->addAxis(_x, Qt::AlignBottom);
    _chart->addAxis(_yLoss, Qt::AlignLeft);
    _chart->addAxis(_yMetric, Qt::AlignRight);
    _chart->legend()->setAlignment(Qt::AlignBottom);
    _dark = paletteIsDark(palette());
    applyTheme();
    updateAxes();
}

void LearningCurveChart::styleLines(const Lines& lines, bool running) const
{
    const QColor colour = seriesColor(lines.color, _dark);
    const double width = running ? 2.8 : 1.8;
    lines.train->setPen(QPen(colour, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    lines.validation->setPen(QPen(colour, width, Qt::DashLine, Qt::RoundCap, Qt::RoundJoin));
}

void LearningCurveChart::applyTheme()
{
    styleChart(_chart, _dark);
    for (QAbstractAxis* a : _chart->axes())
        styleAxis(a, _dark);
    _view->setBackgroundBrush(_dark ? QColor(40, 40, 40) : QColor(Qt::white));
    for (const auto& curve : _curves)
        if (const auto it = _lines.find(curve.trial); it != _lines.end())
            styleLines(it->second, curve.running);
}

void LearningCurveChart::setDark(bool dark)
{
    _darkExplicit = true;
    if (dark == _dark)
        return;
    _dark = dark;
    applyTheme();
}

void LearningCurveChart::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (!_darkExplicit && event->type() == QEvent::PaletteChange && paletteIsDark(palette()) != _dark) {
        _dark = !_dark;
        applyTheme();
    }
}

void LearningCurveChart::setCurves(std::vector<Curve> curves, const QString& metricName)
{
    _curves = std::move(curves);
    _metric = metricName.isEmpty() ? tr("validation metric") : metricName;

    // Remove the series of trials no longer shown, and free their colours.
    std::set<int> wanted, used;
    for (const auto& c : _curves)
        wanted.insert(c.trial);
    for (auto it = _lines.begin(); it != _lines.end();) {
        if (wanted.count(it->first)) {
            used.insert(it->second.color);
            ++it;
            continue;
        }
        for (QLineSeries* s : {it->second.train, it->second.validation}) {
            _chart->removeSeries(s);
            delete s;
        }
        it = _lines.erase(it);
    }

    size_t maxEpochs = 0;
    for (const auto& c : _curves)
        maxEpochs = std::max(maxEpochs, c.epochs.size());
    for (const auto& c : _curves) {
        auto it = _lines.find(c.trial);
        if (it == _lines.end()) {
            Lines lines;
            while (used.count(lines.color))
                ++lines.color;
            used.insert(lines.color);
            lines.train = new QLineSeries;
            lines.validation = new QLineSeries;
            _seriesCreated += 2;
            _chart->addSeries(lines.train);
            _chart->addSeries(lines.validation);
            lines.train->attachAxis(_x);
            lines.train->attachAxis(_yLoss);
            lines.validation->attachAxis(_x);
            lines.validation->attachAxis(_yMetric);
            for (QLegendMarker* m : _chart->legend()->markers(lines.validation))
                m->setVisible(false);
            it = _lines.emplace(c.trial, lines).first;
        }
        const Lines& lines = it->second;
        lines.train->setName(c.running ? tr("trial %1 (running)").arg(c.trial) : tr("trial %1").arg(c.trial));
        lines.validation->setName(tr("trial %1 %2").arg(c.trial).arg(_metric));
        lines.train->replace(pointsOf(c.epochs, c.trainLoss));
        lines.validation->replace(pointsOf(c.epochs, c.validation));
        // Markers only while they do not clutter (and so that one epoch shows).
        lines.train->setPointsVisible(maxEpochs <= 25);
        lines.validation->setPointsVisible(maxEpochs <= 25);
        styleLines(lines, c.running);
    }
    updateAxes();
}

void LearningCurveChart::updateAxes()
{
    double first = INFINITY, last = -INFINITY;
    for (const auto& c : _curves)
        for (double e : c.epochs)
            if (std::isfinite(e)) {
                first = std::min(first, e);
                last = std::max(last, e);
            }
    if (!(first <= last)) {
        first = 1;
        last = 10;
    }
    first = std::min(first, 1.0);
    _x->setRange(first - 0.2, std::max(last, first + 1.0) + 0.2);
    const double span = last - first;
    _x->setTickInterval(span <= 10 ? 1.0 : span <= 25 ? 2.0 : span <= 60 ? 5.0 : span <= 150 ? 10.0 : 50.0);

    const auto loss = rangeOf(_curves, &Curve::trainLoss);
    setBoundedRange(_yLoss, loss.first, loss.second, ValueBounds{0.0});
    const auto metric = rangeOf(_curves, &Curve::validation);
    setBoundedRange(_yMetric, metric.first, metric.second, _metricBounds);
    _yMetric->setTitleText(tr("%1 (dashed)").arg(_metric.isEmpty() ? tr("validation metric") : _metric));
    _chart->setTitle(_curves.empty() ? tr("Learning curves: select trials to compare")
                                     : tr("Learning curves"));
}

void LearningCurveChart::setMetricBounds(const ValueBounds& bounds)
{
    if (bounds == _metricBounds) return;
    _metricBounds = bounds;
    updateAxes();
}

bool LearningCurveChart::exportImage(const QString& path, QString* error) const
{
    return exportWidget(path, _view, error);
}

} // namespace tw::ui
