// The optimization trace (see trace_chart.h).
#include "plots/trace_chart.h"
#include "plots/plot_export.h"

#include <QChart>
#include <QChartView>
#include <QCategoryAxis>
#include <QCheckBox>
#include <QCursor>
#include <QEvent>
#include <QHBoxLayout>
#include <QImage>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tw::ui {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A red "x" drawn as the failed series' marker.
QImage crossImage()
{
    QImage image(32, 32, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(failedColor(), 5.5, Qt::SolidLine, Qt::RoundCap));
    p.drawLine(QPointF(6, 6), QPointF(26, 26));
    p.drawLine(QPointF(26, 6), QPointF(6, 26));
    return image;
}

/// A 1-2-5 step giving about `target` intervals over `span`.
double niceStep(double span, int target)
{
    if (!(span > 0) || !std::isfinite(span))
        return 1.0;
    const double raw = span / target;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / mag;
    return (r < 1.5 ? 1.0 : r < 3.0 ? 2.0 : r < 7.0 ? 5.0 : 10.0) * mag;
}

void hideFromLegend(QChart* chart, QXYSeries* series)
{
    for (QLegendMarker* m : chart->legend()->markers(series))
        m->setVisible(false);
}

} // namespace

TraceChart::TraceChart(QWidget* parent) : QWidget(parent)
{
    _chart = new QChart;
    _view = new QChartView(_chart, this);
    _view->setRenderHint(QPainter::Antialiasing);
    _view->setMinimumSize(320, 220);
    _logBox = new QCheckBox(tr("Log scale"), this);
    _logBox->setObjectName("traceLogScale");
    _logBox->setToolTip(tr("Logarithmic objective axis"));

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(6, 0, 6, 0);
    controls->addStretch();
    controls->addWidget(_logBox);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(controls);
    layout->addWidget(_view, 1);

    _complete = new QScatterSeries;
    _complete->setName(tr("complete"));
    _best = new QLineSeries;
    _best->setName(tr("best so far"));
    _pruned = new QScatterSeries;
    _pruned->setName(tr("pruned"));
    _failed = new QScatterSeries;
    _failed->setName(tr("failed"));
    _selected = new QScatterSeries;
    _selected->setName(tr("selected"));
    for (QXYSeries* s : {static_cast<QXYSeries*>(_best), static_cast<QXYSeries*>(_complete),
                         static_cast<QXYSeries*>(_pruned), static_cast<QXYSeries*>(_failed),
                         static_cast<QXYSeries*>(_selected)})
        _chart->addSeries(s);

    _x = new QValueAxis;
    _x->setTitleText(tr("trial"));
    _x->setLabelFormat("%.0f");
    _x->setTickType(QValueAxis::TicksDynamic);
    _x->setTickAnchor(0.0);
    _yLinear = new QValueAxis;
    // A log axis is a category axis over log10 of the values, labelled with
    // the values (QLogValueAxis labels decades only). Both stay in the chart
    // and the unused one is hidden: a removed axis lingers until deleteLater.
    _yLog = new QCategoryAxis;
    _yLog->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    _chart->addAxis(_x, Qt::AlignBottom);
    _chart->addAxis(_yLinear, Qt::AlignLeft);
    _chart->addAxis(_yLog, Qt::AlignLeft);
    _yLog->hide();
    for (QAbstractSeries* s : _chart->series()) {
        s->attachAxis(_x);
        s->attachAxis(_yLinear);
    }
    _chart->legend()->setAlignment(Qt::AlignBottom);

    for (QScatterSeries* s : {_complete, _pruned, _failed}) {
        connect(s, &QXYSeries::hovered, this, &TraceChart::onHovered);
        connect(s, &QXYSeries::clicked, this, &TraceChart::onClicked);
    }
    connect(_selected, &QXYSeries::clicked, this, &TraceChart::onClicked);
    connect(_logBox, &QCheckBox::toggled, this, &TraceChart::setLogScale);

    _dark = paletteIsDark(palette());
    applyTheme();
    updateAxes();
}

void TraceChart::applyTheme()
{
    styleChart(_chart, _dark);
    for (QAbstractAxis* a : {static_cast<QAbstractAxis*>(_x), static_cast<QAbstractAxis*>(_yLinear),
                             static_cast<QAbstractAxis*>(_yLog)})
        styleAxis(a, _dark);
    const QColor background = _dark ? QColor(40, 40, 40) : QColor(Qt::white);
    _complete->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    _complete->setMarkerSize(8.0);
    _complete->setColor(pointColor(_dark));
    _complete->setBorderColor(pointColor(_dark).darker(125));
    _best->setPen(QPen(bestColor(_dark), 2.2));
    _pruned->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    _pruned->setMarkerSize(9.0);
    _pruned->setBrush(Qt::NoBrush);
    _pruned->setPen(QPen(prunedColor(_dark), 1.6));
    _failed->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    _failed->setMarkerSize(10.0);
    _failed->setColor(failedColor());
    _failed->setLightMarker(crossImage());
    _selected->setMarkerShape(QScatterSeries::MarkerShapeCircle);
    _selected->setMarkerSize(18.0);
    _selected->setBrush(Qt::NoBrush);
    _selected->setPen(QPen(QColor(255, 140, 0), 2.6));
    hideFromLegend(_chart, _selected);
    _view->setBackgroundBrush(background);
}

void TraceChart::setDark(bool dark)
{
    _darkExplicit = true;
    if (dark == _dark)
        return;
    _dark = dark;
    applyTheme();
}

void TraceChart::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (!_darkExplicit && event->type() == QEvent::PaletteChange && paletteIsDark(palette()) != _dark) {
        _dark = !_dark;
        applyTheme();
    }
}

double TraceChart::lastIntermediate(const study::Trial& t)
{
    for (auto it = t.intermediate.rbegin(); it != t.intermediate.rend(); ++it)
        if (std::isfinite(it->value))
            return it->value;
    return kNaN;
}

QPointF TraceChart::plottedPoint(const study::Trial& t) const
{
    const double x = t.number;
    switch (t.state) {
    case study::TrialState::Complete:
        if (t.value && std::isfinite(*t.value) && (!_logActive || *t.value > 0))
            return {x, _logActive ? std::log10(*t.value) : *t.value};
        return {x, _bottom};
    case study::TrialState::Pruned: {
        const double v = lastIntermediate(t);
        if (std::isfinite(v) && (!_logActive || v > 0))
            return {x, _logActive ? std::log10(v) : v};
        return {x, _bottom};
    }
    case study::TrialState::Failed:
        return {x, _bottom};
    case study::TrialState::Running:
        break;
    }
    return {x, kNaN};
}

void TraceChart::setTrials(const std::vector<study::Trial>& trials, const space::SearchSpace& space,
                           study::Direction direction, const QString& objectiveName)
{
    _trials = trials;
    std::sort(_trials.begin(), _trials.end(),
              [](const study::Trial& a, const study::Trial& b) { return a.number < b.number; });
    _indexOf.clear();
    _indexOf.reserve(qsizetype(_trials.size()));
    for (size_t i = 0; i < _trials.size(); ++i)
        _indexOf.insert(_trials[i].number, int(i));
    _space = space;
    _direction = direction;
    _objective = objectiveName.isEmpty() ? tr("objective") : objectiveName;
    updateAxes();
}

void TraceChart::updateAxes()
{
    // Value range (complete values and pruned trials' last intermediate values).
    double lo = INFINITY, hi = -INFINITY;
    bool positive = true, edge = false;
    int maxNumber = 0;
    for (const auto& t : _trials) {
        maxNumber = std::max(maxNumber, t.number);
        double v = kNaN;
        if (t.state == study::TrialState::Complete && t.value)
            v = *t.value;
        else if (t.state == study::TrialState::Pruned)
            v = lastIntermediate(t);
        if (std::isfinite(v)) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
            positive = positive && v > 0;
        } else if (t.state != study::TrialState::Running) {
            edge = true;  // failed, or pruned without a value: along the bottom edge
        }
    }
    const bool any = lo <= hi;
    if (!any) {
        lo = 0.0;
        hi = 1.0;
    }
    _logActive = _logRequested && any && positive;
    _logBox->blockSignals(true);
    _logBox->setChecked(_logRequested);
    _logBox->blockSignals(false);
    _logBox->setToolTip(_logRequested && !_logActive
                            ? tr("Log scale needs every value > 0: the axis stays linear")
                            : tr("Logarithmic objective axis"));

    // In axis units: log10 of the value on a log axis.
    const double ulo = _logActive ? std::log10(lo) : lo, uhi = _logActive ? std::log10(hi) : hi;
    double span = uhi - ulo;
    if (!(span > 0))
        span = std::max(std::abs(uhi) * 0.1, 1e-3);
    double bottom = ulo - 0.06 * span - (edge ? 0.08 * span : 0.0), top = uhi + 0.06 * span;
    QAbstractAxis* wanted = _yLinear;
    QAbstractAxis* other = _yLog;
    if (_logActive) {
        std::swap(wanted, other);
        std::vector<std::pair<QString, double>> ticks;
        for (double v : logTickValues(std::pow(10.0, bottom), std::pow(10.0, top)))
            ticks.emplace_back(formatNumber(v), std::log10(v));
        if (std::isfinite(_bounds.highest) && _bounds.highest > 0) top = std::min(top, std::log10(_bounds.highest));
        setTickLabels(_yLog, ticks);
        _yLog->setStartValue(bottom);
        _yLog->setRange(bottom, top);
    } else {
        setBoundedRange(_yLinear, bottom, top, _bounds);
        bottom = _yLinear->min();
        top = _yLinear->max();
    }
    _bottom = edge ? bottom + 0.03 * (top - bottom) : bottom;
    if (!wanted->isVisible()) {
        for (QAbstractSeries* s : _chart->series()) {
            s->detachAxis(other);
            s->attachAxis(wanted);
        }
        other->hide();
        wanted->show();
    }
    const QString title = _objective + (_logActive ? tr(" (log scale)") : QString());
    _yLinear->setTitleText(title);
    _yLog->setTitleText(title);
    const double xmax = std::max(maxNumber + 1.0, 5.0);
    _x->setRange(-0.5 - xmax * 0.01, xmax + 0.5);
    _x->setTickInterval(std::max(1.0, niceStep(xmax, 8)));

    // Points: one pass, then one replace() per series.
    QList<QPointF> complete, pruned, failed, best;
    complete.reserve(qsizetype(_trials.size()));
    double bestValue = kNaN;
    const bool minimize = _direction == study::Direction::Minimize;
    for (const auto& t : _trials) {
        if (t.state == study::TrialState::Running)
            continue;
        const QPointF p = plottedPoint(t);
        if (t.state == study::TrialState::Failed ||
            (t.state == study::TrialState::Complete && !(t.value && std::isfinite(*t.value)))) {
            failed << p;
        } else if (t.state == study::TrialState::Pruned) {
            pruned << p;
        } else {
            complete << p;
            const double v = p.y();
            if (std::isnan(bestValue)) {
                bestValue = v;
                best << QPointF(t.number, v);
            } else if (minimize ? v < bestValue : v > bestValue) {
                best << QPointF(t.number, bestValue) << QPointF(t.number, v);
                bestValue = v;
            }
        }
    }
    if (!best.isEmpty() && best.last().x() < maxNumber)
        best << QPointF(maxNumber, bestValue);
    _complete->replace(complete);
    _pruned->replace(pruned);
    _failed->replace(failed);
    _best->replace(best);
    _chart->setTitle(complete.isEmpty() ? tr("Optimization trace: no complete trial yet")
                                        : tr("Optimization trace (%1, %2)")
                                              .arg(_objective, minimize ? tr("lower is better")
                                                                        : tr("higher is better")));
    updateSelection();
}

void TraceChart::setValueBounds(const ValueBounds& bounds)
{
    if (bounds == _bounds) return;
    _bounds = bounds;
    updateAxes();
}

void TraceChart::setLogScale(bool on)
{
    _logRequested = on;
    updateAxes();
}

void TraceChart::setSelectedTrial(int number)
{
    _selectedNumber = number;
    updateSelection();
}

void TraceChart::updateSelection()
{
    QList<QPointF> points;
    if (const auto it = _indexOf.constFind(_selectedNumber); it != _indexOf.constEnd()) {
        const QPointF p = plottedPoint(_trials[size_t(*it)]);
        if (std::isfinite(p.y()))
            points << p;
    }
    _selected->replace(points);
}

int TraceChart::pointCount() const { return int(_complete->count()); }
int TraceChart::failedCount() const { return int(_failed->count()); }
int TraceChart::prunedCount() const { return int(_pruned->count()); }
QList<QPointF> TraceChart::bestSoFar() const { return _best->points(); }

QString TraceChart::tooltipFor(int number) const
{
    const auto it = _indexOf.constFind(number);
    if (it == _indexOf.constEnd())
        return {};
    const study::Trial& t = _trials[size_t(*it)];
    QStringList lines;
    lines << tr("Trial %1 (%2)").arg(t.number).arg(QString::fromStdString(study::toString(t.state)));
    if (t.state == study::TrialState::Complete && t.value)
        lines << QString("%1 = %2").arg(_objective, formatNumber(*t.value));
    if (t.state == study::TrialState::Pruned && !t.intermediate.empty())
        lines << tr("last %1 = %2 (epoch %3)")
                     .arg(_objective, formatNumber(lastIntermediate(t)))
                     .arg(t.intermediate.back().step);
    if (!t.reason.empty())
        lines << tr("reason: %1").arg(QString::fromStdString(t.reason).left(200));
    for (size_t i = 0; i < _space.size() && i < t.params.size(); ++i)
        if (!std::isnan(t.params[i])) // an inactive parameter is not shown
            lines << QString("  %1 = %2").arg(QString::fromStdString(space::nameOf(_space[i])),
                                          formatParamValue(_space, i, t.params[i]));
    return lines.join('\n');
}

void TraceChart::onHovered(const QPointF& point, bool state)
{
    if (!state) {
        QToolTip::hideText();
        return;
    }
    QToolTip::showText(QCursor::pos(), tooltipFor(int(std::lround(point.x()))), _view);
}

void TraceChart::onClicked(const QPointF& point)
{
    const int number = int(std::lround(point.x()));
    if (_indexOf.contains(number))
        Q_EMIT trialClicked(number);
}

bool TraceChart::exportImage(const QString& path, QString* error) const
{
    return exportWidget(path, _view, error);
}

} // namespace tw::ui
