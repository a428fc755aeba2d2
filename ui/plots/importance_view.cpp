// Parameter importance bars (see importance_view.h).
#include "plots/importance_view.h"
#include "plots/plot_export.h"
#include "plots/trust_note.h"
#include "util/printable.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QEvent>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QStackedWidget>
#include <QToolTip>
#include <QVBoxLayout>
#include <QValueAxis>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace tw::ui {

ImportanceView::ImportanceView(QWidget* parent) : QWidget(parent)
{
    const CaptionedChart c = makeCaptionedChart(this, QSize(320, 200));
    _chart = c.chart;
    _view = c.view;
    _caption = c.caption;
    _plotArea = c.plotArea;
    _emptyLabel = c.emptyLabel;
    _stack = c.stack;
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    _trust = makeTrustLabel(this);
    layout->addWidget(_trust);
    layout->addWidget(_stack);

    _chart->legend()->hide();
    _names = new QBarCategoryAxis;
    _shares = new QValueAxis;
    _chart->addAxis(_names, Qt::AlignLeft);
    _chart->addAxis(_shares, Qt::AlignBottom);
    connect(&_watcher, &QFutureWatcher<Result>::finished, this, &ImportanceView::onFinished);
    _dark = paletteIsDark(palette());
    showEmpty(tr("No study yet."));
}

QString ImportanceView::trustNote() const
{
    return _trust->isHidden() ? QString() : _trust->text();
}

QString ImportanceView::caption() const
{
    return _caption->text();
}

ImportanceView::~ImportanceView()
{
    // The computation only holds the surrogate (shared) and plain values:
    // it may finish after this view is gone.
    _watcher.disconnect(this);
}

void ImportanceView::setSurrogate(std::shared_ptr<const gp::Surrogate> surrogate, study::Direction)
{
    ++_generation;
    showTrustNote(_trust, surrogate ? surrogate->observations() : 0, surrogate ? int(surrogate->space().size()) : 0);
    if (!surrogate) {
        _pending.reset();
        _dropThrough = _generation;  // a computation still running is not shown
        _computing = false;
        _importances.clear();
        showEmpty(tr("Not enough data for the surrogate yet: parameter importance needs a GP fitted on at least "
                     "2 completed trials."));
        Q_EMIT importancesChanged();
        return;
    }
    _computing = true;
    if (_importances.empty())
        showEmpty(tr("Computing the variance decomposition of the surrogate\u2026"));
    // One computation at a time: while one runs only the newest surrogate
    // waits (with its draws a decomposition takes a second or two, and
    // trials may finish faster than that).
    _pending = std::move(surrogate);
    if (!_running)
        startPending();
}

void ImportanceView::startPending()
{
    if (!_pending)
        return;
    std::shared_ptr<const gp::Surrogate> surrogate = std::move(_pending);
    _pending.reset();
    _running = true;
    const quint64 generation = _generation;
    const int samples = _samples;
    const analysis::IntervalOptions intervals = _intervals;
    _watcher.setFuture(QtConcurrent::run([surrogate, samples, intervals, generation]() {
        Result r;
        r.generation = generation;
        r.observations = surrogate->observations();
        try {
            r.importances = intervals.draws > 0 ? analysis::importanceWithIntervals(*surrogate, samples, intervals)
                                                : analysis::importance(*surrogate, samples, intervals.seed);
        } catch (const std::exception& e) {
            r.error = QString::fromStdString(tw::printable(e.what()));
        }
        return r;
    }));
}

void ImportanceView::onFinished()
{
    const Result r = _watcher.result();
    _running = false;
    startPending();
    _computing = _running;
    // Shown even when a newer surrogate waits: it is newer than what is shown.
    if (r.generation <= _dropThrough)
        return;
    if (!r.error.isEmpty()) {
        _importances.clear();
        showEmpty(tr("Parameter importance failed: %1").arg(r.error));
    } else {
        _importances = r.importances;
        _observations = r.observations;
        rebuild();
    }
    Q_EMIT importancesChanged();
}

void ImportanceView::setImportances(std::vector<analysis::ParamImportance> importances, int observations)
{
    ++_generation;
    _pending.reset();
    _dropThrough = _generation;
    _computing = false;
    _importances = std::move(importances);
    _observations = observations;
    if (_importances.empty())
        showEmpty(tr("No parameters."));
    else
        rebuild();
    Q_EMIT importancesChanged();
}

void ImportanceView::showEmpty(const QString& reason)
{
    _emptyReason = reason;
    _emptyLabel->setText(reason);
    _stack->setCurrentWidget(_emptyLabel);
}

namespace {

/// A share in percent: whole percents, one decimal below 10%.
QString percent(double share)
{
    const double v = 100.0 * share;
    return QString::number(v, 'f', v < 9.95 ? 1 : 0) + "%";
}

} // namespace

QString ImportanceView::tooltipFor(int index) const
{
    if (index < 0 || size_t(index) >= _importances.size())
        return {};
    const auto& p = _importances[size_t(index)];
    QString first = tr("%1: importance %2").arg(QString::fromStdString(p.name), percent(p.importance));
    if (p.hasInterval())
        first += tr(" (%1\u2013%2%: %3\u2013%4 over %5 GP hyperparameter draws)")
                     .arg(std::lround(100 * _intervals.lowQuantile))
                     .arg(std::lround(100 * _intervals.highQuantile))
                     .arg(percent(p.low).chopped(1), percent(p.high))
                     .arg(p.draws);
    return first + "\n" +
           tr("share of the main-effect variance; first-order index %1 (share of all the GP mean's variance)\n"
              "fitted lengthscale %2 (unit cube; shorter = the mean changes faster)")
               .arg(QString::number(p.firstOrder, 'f', 3), formatNumber(p.lengthscale));
}

void ImportanceView::rebuild()
{
    _emptyReason.clear();
    _chart->removeAllSeries();
    styleChart(_chart, _dark);
    _chart->legend()->hide();
    const QColor background = _dark ? QColor(40, 40, 40) : QColor(Qt::white);
    const QColor text = _dark ? QColor(230, 230, 230) : QColor(30, 30, 30);
    _view->setBackgroundBrush(background);
    QPalette pal = _plotArea->palette();
    pal.setColor(QPalette::Window, background);
    pal.setColor(QPalette::WindowText, text);
    _plotArea->setPalette(pal);
    _caption->setPalette(pal);

    // Ascending: a bar category axis lists its first category at the bottom.
    std::vector<int> order(_importances.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [this](int a, int b) {
        return _importances[size_t(a)].importance < _importances[size_t(b)].importance;
    });
    auto* set = new QBarSet(tr("share of variance"));
    QStringList names;
    double top = 0.0, explained = 0.0;
    int draws = 0;
    for (int i : order) {
        const auto& p = _importances[size_t(i)];
        set->append(100.0 * p.importance);
        names << QString::fromStdString(p.name);
        top = std::max(top, 100.0 * p.importance);
        if (p.hasInterval()) {
            top = std::max(top, 100.0 * p.high);
            draws = p.draws;
        }
        explained += p.firstOrder;
    }
    set->setColor(pointColor(_dark));
    set->setBorderColor(pointColor(_dark).darker(120));
    set->setLabelColor(text);
    set->setLabelFont(plotFont(12));
    auto* series = new QHorizontalBarSeries;
    series->append(set);
    series->setBarWidth(0.65);
    series->setLabelsVisible(true);
    series->setLabelsFormat("@value%");
    series->setLabelsPrecision(3);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    _chart->addSeries(series);

    QBarCategoryAxis* categories = _names;
    categories->clear();
    categories->append(names);
    QValueAxis* values = _shares;
    values->setRange(0.0, std::min(100.0, std::max(10.0, std::ceil(top * 1.18 / 10.0) * 10.0)));
    values->setLabelFormat("%.0f%%");
    values->setTickCount(6);
    values->applyNiceNumbers();
    values->setTitleText(tr("share of the variance of the GP mean's main effects"));
    series->attachAxis(categories);
    series->attachAxis(values);

    // Whiskers over the intervals: a line with end caps through the lower
    // part of each bar (the category axis puts bar k at k, its half-height
    // 0.325), below the value label at the bar's end.
    _whiskers = 0;
    // Dark theme: orange, which reads on the light bars and on the dark background alike.
    const QColor whisker = _dark ? QColor(255, 165, 50) : QColor(25, 25, 25);
    for (size_t k = 0; k < order.size(); ++k) {
        const auto& p = _importances[size_t(order[k])];
        if (!p.hasInterval() || !std::isfinite(p.low) || !std::isfinite(p.high))
            continue;
        const double lo = 100.0 * p.low, hi = 100.0 * p.high, y = double(k) - 0.2, cap = 0.09;
        auto* line = new QLineSeries;
        line->append({QPointF(lo, y - cap), QPointF(lo, y + cap), QPointF(lo, y), QPointF(hi, y), QPointF(hi, y + cap),
                      QPointF(hi, y - cap)});
        _chart->addSeries(line);
        line->attachAxis(categories);
        line->attachAxis(values);
        line->setPen(QPen(whisker, 1.6));
        const int index = order[k];
        connect(line, &QXYSeries::hovered, this, [this, index](const QPointF&, bool status) {
            if (status)
                QToolTip::showText(QCursor::pos(), tooltipFor(index), _view);
            else
                QToolTip::hideText();
        });
        ++_whiskers;
    }
    for (QAbstractAxis* a : _chart->axes())
        styleAxis(a, _dark);
    categories->setGridLineVisible(false);
    categories->setLabelsFont(plotFont(13));
    _chart->setTitle(tr("Parameter importance"));

    connect(set, &QBarSet::hovered, this, [this, order](bool status, int index) {
        if (!status || index < 0 || size_t(index) >= order.size()) {
            QToolTip::hideText();
            return;
        }
        QToolTip::showText(QCursor::pos(), tooltipFor(order[size_t(index)]), _view);
    });

    QString caption = tr("Variance decomposition of the GP mean over the search space (first-order effects, "
                         "%1 observations). The main effects explain %2% of its variance, interactions the rest.")
                          .arg(_observations)
                          .arg(QString::number(100.0 * std::min(explained, 1.0), 'f', 0));
    if (_whiskers == 0 && _intervals.draws > 0 && _observations > _intervals.maxObservations)
        caption += " " + tr("No whiskers above %1 observations: the GP's hyperparameters are well determined by "
                            "then, and drawing them would cost seconds.")
                              .arg(_intervals.maxObservations);
    else if (_whiskers > 0)
        caption += " " + tr("Whiskers: %1th\u2013%2th percentile of each share over %3 draws of the GP's "
                            "hyperparameters; a long one means the data cannot tell yet.")
                              .arg(std::lround(100 * _intervals.lowQuantile))
                              .arg(std::lround(100 * _intervals.highQuantile))
                              .arg(draws);
    _caption->setText(caption + " " + tr("Hover a bar for the fitted lengthscale."));
    _stack->setCurrentWidget(_plotArea);
}

void ImportanceView::setDark(bool dark)
{
    _darkExplicit = true;
    if (dark != _dark) {
        _dark = dark;
        if (_emptyReason.isEmpty() && !_importances.empty())
            rebuild();
    }
}

void ImportanceView::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (!_darkExplicit && event->type() == QEvent::PaletteChange && paletteIsDark(palette()) != _dark) {
        _dark = !_dark;
        if (_emptyReason.isEmpty() && !_importances.empty())
            rebuild();
    }
}

bool ImportanceView::exportImage(const QString& path, QString* error) const
{
    return exportCaptionedChart(path, _plotArea, _emptyReason, error);
}

} // namespace tw::ui
