// 1-D slices of the GP surrogate (see slice_view.h).
#include "plots/slice_view.h"
#include "plots/plot_export.h"
#include "plots/trust_note.h"
#include "util/printable.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QShowEvent>
#include <QCursor>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QStackedWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {

QString fixedText(const nlohmann::json& fixed)
{
    QStringList parts;
    if (fixed.is_object())
        for (auto it = fixed.begin(); it != fixed.end(); ++it) {
            const auto& v = it.value();
            const QString text = v.is_number()   ? formatNumber(v.get<double>())
                                 : v.is_string() ? QString::fromStdString(v.get<std::string>())
                                                 : QString::fromStdString(v.dump());
            parts << QString::fromStdString(it.key()) + " = " + text;
        }
    return parts.join(", ");
}

void hideFromLegend(QChart* chart, QAbstractSeries* series)
{
    for (QLegendMarker* m : chart->legend()->markers(series))
        m->setVisible(false);
}

} // namespace

SliceView::SliceView(QWidget* parent) : QWidget(parent)
{
    _paramBox = new QComboBox(this);
    _paramBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(6, 0, 6, 0);
    controls->addWidget(new QLabel(tr("Parameter:"), this));
    controls->addWidget(_paramBox);
    controls->addStretch();

    const CaptionedChart c = makeCaptionedChart(this, QSize(320, 220));
    _chart = c.chart;
    _view = c.view;
    _caption = c.caption;
    _plotArea = c.plotArea;
    _emptyLabel = c.emptyLabel;
    _stack = c.stack;

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(controls);
    _trust = makeTrustLabel(this);
    layout->addWidget(_trust);
    layout->addWidget(_stack, 1);

    connect(_paramBox, &QComboBox::currentTextChanged, this, [this](const QString& name) {
        if (!name.isEmpty() && name != _parameter)
            setParameter(name);
    });
    _chart->legend()->setAlignment(Qt::AlignBottom);
    _xValue = new QValueAxis;
    _xCat = new QCategoryAxis;
    _y = new QValueAxis;
    _chart->addAxis(_xValue, Qt::AlignBottom);
    _chart->addAxis(_xCat, Qt::AlignBottom);
    _chart->addAxis(_y, Qt::AlignLeft);
    _xCat->hide();
    _xCurrent = _xValue;
    _dark = paletteIsDark(palette());
    styleChart(_chart, _dark);  // while the chart is empty, where a theme costs little
    _styledDark = int(_dark);
    connect(&_spreadWatcher, &QFutureWatcher<SpreadResult>::finished, this, &SliceView::onSpreadFinished);
    showEmpty(tr("No study yet."));
}

SliceView::~SliceView()
{
    // A spread still computing holds the surrogate (shared) and plain values
    // only: it may finish after this view is gone.
    _spreadWatcher.disconnect(this);
}

QString SliceView::trustNote() const
{
    return _trust->isHidden() ? QString() : _trust->text();
}

void SliceView::setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate, const std::vector<study::Trial>& trials,
                             study::Direction direction, const QString& objectiveName)
{
    _surrogate = std::move(surrogate);
    _trials = trials;
    _direction = direction;
    _objective = objectiveName.isEmpty() ? tr("objective") : objectiveName;
    showTrustNote(_trust, _surrogate ? _surrogate->observations() : 0,
                  _surrogate ? int(_surrogate->space().size()) : 0);
    if (_surrogate) {
        QStringList names;
        for (const auto& p : _surrogate->space().params())
            names << QString::fromStdString(space::nameOf(p));
        QStringList current;
        for (int i = 0; i < _paramBox->count(); ++i)
            current << _paramBox->itemText(i);
        if (names != current) {
            _paramBox->blockSignals(true);
            _paramBox->clear();
            _paramBox->addItems(names);
            _paramBox->blockSignals(false);
        }
        if (!names.contains(_parameter) && !names.isEmpty())
            _parameter = names.front();
        _paramBox->blockSignals(true);
        _paramBox->setCurrentText(_parameter);
        _paramBox->blockSignals(false);
    }
    rebuild();
}

void SliceView::setFixedValues(const std::vector<double>& fixed)
{
    _fixedExplicit = fixed;
    rebuild();
}

void SliceView::setParameter(const QString& name)
{
    if (name == _parameter)
        return;
    _parameter = name;
    _paramBox->blockSignals(true);
    _paramBox->setCurrentText(name);
    _paramBox->blockSignals(false);
    rebuild();
    Q_EMIT parameterChanged(name);
}

QString SliceView::parameter() const { return _parameter; }

QString SliceView::caption() const { return _caption->text(); }

void SliceView::setDark(bool dark)
{
    _darkExplicit = true;
    if (dark != _dark) {
        _dark = dark;
        rebuild();
    }
}

void SliceView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (!_darkExplicit && event->type() == QEvent::PaletteChange && paletteIsDark(palette()) != _dark) {
        _dark = !_dark;
        rebuild();
    }
}

void SliceView::showEmpty(const QString& reason)
{
    _slice.reset();
    dropSpread();
    _emptyReason = reason;
    _bandSize = _observedCount = 0;
    _chart->removeAllSeries();
    _emptyLabel->setText(reason);
    _caption->clear();
    _stack->setCurrentWidget(_emptyLabel);
}

void SliceView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (_stale) rebuild();
}

void SliceView::rebuild()
{
    _stale = _defer && !isVisible();
    if (_stale) return;
    if (!_surrogate) {
        int complete = 0;
        for (const auto& t : _trials)
            complete += t.state == study::TrialState::Complete && t.value && std::isfinite(*t.value);
        showEmpty(tr("Not enough data for the surrogate yet: the slice needs at least 2 completed trials "
                     "(%1 so far).")
                      .arg(complete));
        return;
    }
    const auto& space = _surrogate->space();
    if (space.indexOf(_parameter.toStdString()) < 0) {
        showEmpty(tr("parameter '%1' is not in the search space").arg(_parameter));
        return;
    }
    std::vector<double> fixed = _fixedExplicit;
    if (fixed.empty())
        fixed = analysis::defaultFixedValues(space, _trials, _direction);
    if (fixed.size() != space.size()) {
        showEmpty(tr("fixed values: expected one value per parameter (%1), got %2")
                      .arg(space.size())
                      .arg(fixed.size()));
        return;
    }
    try {
        _slice = analysis::slice(*_surrogate, _parameter.toStdString(), fixed, kSliceResolution);
    } catch (const std::exception& e) {
        showEmpty(QString::fromStdString(tw::printable(e.what())));
        return;
    }
    wantSpread(fixed);  // on the worker; drawn when it comes
    _emptyReason.clear();
    _chart->removeAllSeries();
    if (_styledDark != int(_dark)) {  // a chart theme restyles everything: only when it changes
        styleChart(_chart, _dark);
        _styledDark = int(_dark);
    }
    _view->setBackgroundBrush(_dark ? QColor(40, 40, 40) : QColor(Qt::white));
    QPalette pal = _plotArea->palette();
    pal.setColor(QPalette::Window, _dark ? QColor(40, 40, 40) : QColor(Qt::white));
    pal.setColor(QPalette::WindowText, _dark ? QColor(230, 230, 230) : QColor(30, 30, 30));
    _plotArea->setPalette(pal);
    _caption->setPalette(pal);

    if (_slice->x.categorical)
        buildCategorical(*_slice);
    else
        buildNumeric(*_slice);
    _chart->setTitle(tr("Slice of the surrogate along %1").arg(_parameter));
    _chart->legend()->setFont(plotFont(12));  // lays the new labels out again (none elided)

    const QString fixedPart = fixedText(_slice->fixedJson);
    _caption->setText(
        (fixedPart.isEmpty() ? tr("No other parameters.")
                             : tr("Other parameters fixed at: %1 (%2).")
                                   .arg(fixedPart, _fixedExplicit.empty() ? tr("the best trial") : tr("chosen values"))) +
        "\n" +
        tr("Band: GP mean \u00b1 2 standard errors, fitted on %1 observations. "
           "Points: the completed trials, whose other parameters vary.")
            .arg(_slice->observations) +
        (spreadCaption().isEmpty() ? QString() : "\n" + spreadCaption()));
    _stack->setCurrentWidget(_plotArea);
}

void SliceView::buildNumeric(const analysis::Slice& s)
{
    const bool logX = s.x.log;
    const auto u = [logX](double v) { return logX ? std::log10(v) : v; };
    auto* mean = new QLineSeries;
    auto* upper = new QLineSeries;
    auto* lower = new QLineSeries;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < s.x.values.size(); ++k) {
        const double x = u(s.x.values[k]), m = s.mean[Eigen::Index(k)], e = 2.0 * s.se[Eigen::Index(k)];
        mean->append(x, m);
        upper->append(x, m + e);
        lower->append(x, m - e);
        lo = std::min(lo, m - e);
        hi = std::max(hi, m + e);
    }
    _bandSize = int(mean->count());
    auto* band = new QAreaSeries(upper, lower);
    upper->setParent(band);
    lower->setParent(band);
    band->setName(tr("mean \u00b1 2 SE"));
    mean->setName(tr("GP mean"));
    _chart->addSeries(band);
    const std::vector<QAbstractSeries*> spread = addSpread(s, lo, hi);
    _chart->addSeries(mean);
    QColor fill = pointColor(_dark);
    fill.setAlpha(_dark ? 90 : 60);
    band->setBrush(fill);
    band->setPen(QPen(fill.darker(110), 0.8));
    for (QLegendMarker* m : _chart->legend()->markers(band)) {  // a filled square, as the band
        m->setShape(QLegend::MarkerShapeRectangle);
        m->setBrush(fill);
        m->setPen(QPen(pointColor(_dark), 1.0));
    }
    mean->setPen(QPen(pointColor(_dark), 2.4));

    const double x0 = u(s.x.values.front()), x1 = u(s.x.values.back());
    if (logX) {
        std::vector<std::pair<QString, double>> ticks;
        for (double v : logTickValues(s.x.values.front(), s.x.values.back()))
            ticks.emplace_back(formatNumber(v), std::log10(v));
        _xCat->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        setTickLabels(_xCat, ticks);
        _xCat->setStartValue(x0);
        _xCat->setRange(x0, x1);
        useXAxis(_xCat);
    } else {
        _xValue->setRange(x0, x1 > x0 ? x1 : x0 + 1.0);
        _xValue->applyNiceNumbers();
        _xValue->setLabelFormat(s.x.integer ? "%.0f" : "%g");
        useXAxis(_xValue);
    }
    _xCurrent->setTitleText(QString::fromStdString(s.x.name) + (logX ? tr(" (log scale)") : QString()));
    band->attachAxis(_xCurrent);
    for (QAbstractSeries* series : spread) series->attachAxis(_xCurrent);
    mean->attachAxis(_xCurrent);
    addObserved(s.x, logX);
    for (const QPointF& p : static_cast<QScatterSeries*>(_chart->series().back())->points()) {
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
    }
    finishYAxis(lo, hi);
}

void SliceView::buildCategorical(const analysis::Slice& s)
{
    const int n = int(s.x.values.size());
    std::vector<std::pair<QString, double>> ticks;
    for (int k = 0; k < n; ++k)
        ticks.emplace_back(size_t(k) < s.x.labels.size() ? QString::fromStdString(s.x.labels[size_t(k)])
                                                          : QString::number(k),
                           k + 0.5);
    _xCat->setLabelsPosition(QCategoryAxis::AxisLabelsPositionCenter);
    setTickLabels(_xCat, ticks);
    _xCat->setStartValue(-0.5);
    _xCat->setRange(-0.5, n - 0.5);
    _xCat->setTitleText(QString::fromStdString(s.x.name));
    useXAxis(_xCat);
    QAbstractAxis* axis = _xCat;

    double lo = INFINITY, hi = -INFINITY;
    for (QAbstractSeries* series : addSpread(s, lo, hi)) series->attachAxis(axis);
    auto* means = new QScatterSeries;
    means->setName(tr("GP mean"));
    for (int k = 0; k < n; ++k) {
        const double m = s.mean[k], e = 2.0 * s.se[k], cap = 0.12;
        auto* bar = new QLineSeries;
        bar->append({QPointF(k - cap, m - e), QPointF(k + cap, m - e), QPointF(k, m - e), QPointF(k, m + e),
                     QPointF(k - cap, m + e), QPointF(k + cap, m + e)});
        bar->setName(tr("mean \u00b1 2 SE"));
        _chart->addSeries(bar);
        bar->attachAxis(axis);
        bar->setPen(QPen(pointColor(_dark), 2.0));
        if (k > 0)
            hideFromLegend(_chart, bar);
        means->append(k, m);
        lo = std::min(lo, m - e);
        hi = std::max(hi, m + e);
    }
    _bandSize = n;
    _chart->addSeries(means);
    means->attachAxis(axis);
    means->setMarkerSize(13.0);
    means->setColor(pointColor(_dark));
    means->setBorderColor(_dark ? QColor(40, 40, 40) : QColor(Qt::white));
    addObserved(s.x, false);
    for (const QPointF& p : static_cast<QScatterSeries*>(_chart->series().back())->points()) {
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
    }
    finishYAxis(lo, hi);
}

void SliceView::addObserved(const analysis::Axis& axis, bool logX)
{
    auto* observed = new QScatterSeries;
    observed->setName(tr("completed trials"));
    std::vector<std::pair<QPointF, int>> numbers;
    QList<QPointF> points;
    for (const auto& t : _trials) {
        if (t.state != study::TrialState::Complete || !t.value || !std::isfinite(*t.value) ||
            size_t(axis.param) >= t.params.size())
            continue;
        double x = t.params[size_t(axis.param)];
        if (std::isnan(x) || (logX && !(x > 0))) // NaN: inactive in this trial's branch
            continue;
        if (axis.categorical)  // spread the points of a category a little (deterministic)
            x += 0.22 * (std::fmod(t.number * 0.618034, 1.0) - 0.5);
        const QPointF p(logX ? std::log10(x) : x, *t.value);
        points.append(p);
        numbers.emplace_back(p, t.number);
    }
    observed->append(points);  // at once: a point at a time costs a signal and a relayout each
    _observedCount = int(observed->count());
    _chart->addSeries(observed);
    observed->attachAxis(_xCurrent);
    observed->setMarkerSize(7.5);
    observed->setColor(_dark ? QColor(225, 225, 225) : QColor(20, 20, 20));
    observed->setBorderColor(_dark ? QColor(40, 40, 40) : QColor(Qt::white));
    const QString objective = _objective;
    connect(observed, &QXYSeries::hovered, this, [this, numbers, objective](const QPointF& p, bool state) {
        if (!state) {
            QToolTip::hideText();
            return;
        }
        for (const auto& [q, number] : numbers)
            if (std::abs(q.x() - p.x()) < 1e-9 && std::abs(q.y() - p.y()) < 1e-9) {
                QToolTip::showText(QCursor::pos(), tr("Trial %1: %2 = %3").arg(number).arg(objective,
                                                                                      formatNumber(q.y())),
                                   _view);
                return;
            }
    });
}

void SliceView::finishYAxis(double lo, double hi)
{
    if (!(lo <= hi))
        lo = 0.0, hi = 1.0;
    const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(std::abs(hi) * 0.05, 1e-3);
    setBoundedRange(_y, lo - pad, hi + pad, _bounds);
    _y->setTitleText(_objective);
    for (QAbstractSeries* s : _chart->series())
        s->attachAxis(_y);
    for (QAbstractAxis* a : _chart->axes())
        styleAxis(a, _dark);
}

void SliceView::useXAxis(QAbstractAxis* axis)
{
    _xCurrent = axis;
    (axis == _xCat ? static_cast<QAbstractAxis*>(_xValue) : _xCat)->hide();
    axis->show();
}

bool SliceView::exportImage(const QString& path, QString* error) const
{
    return exportCaptionedChart(path, _plotArea, _emptyReason, error);
}

} // namespace tw::ui
