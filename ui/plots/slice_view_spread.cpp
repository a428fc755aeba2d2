// The slice view's spread over GP hyperparameter draws: computed on a worker
// thread, drawn in orange behind the mean (see slice_view.h).
#include "plots/plot_export.h"
#include "plots/slice_view.h"
#include "util/printable.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QToolTip>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>
#include <functional>

namespace tw::ui {

namespace {

/// Equal values, NaN (a parameter inactive in its branch) equal to NaN.
bool sameValues(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (!(a[i] == b[i] || (std::isnan(a[i]) && std::isnan(b[i])))) return false;
    return true;
}

bool sameOptions(const analysis::DrawOptions& a, const analysis::DrawOptions& b)
{
    return a.draws == b.draws && a.lowQuantile == b.lowQuantile && a.highQuantile == b.highQuantile &&
           a.seed == b.seed && a.maxObservations == b.maxObservations;
}

QColor spreadColor(bool dark) { return dark ? QColor(255, 165, 50) : QColor(235, 120, 10); }

} // namespace

void SliceView::setSpreadOptions(const analysis::DrawOptions& options)
{
    _spreadOptions = options;
    dropSpread();
    rebuild();
}

void SliceView::dropSpread()
{
    ++_spreadGeneration;  // a computation still running is not shown
    _spreadWanted.reset();
    _spreadPending.reset();
    _spread.reset();
    _spreadError.clear();
}

void SliceView::wantSpread(const std::vector<double>& fixed)
{
    const std::string parameter = _parameter.toStdString();
    if (_spreadWanted && _spreadWanted->surrogate == _surrogate && _spreadWanted->parameter == parameter &&
        sameValues(_spreadWanted->fixed, fixed) && sameOptions(_spreadWanted->options, _spreadOptions))
        return;  // shown, or on its way
    dropSpread();
    if (_spreadOptions.draws <= 0 || _surrogate->gp().size() > _spreadOptions.maxObservations) return;
    _spreadWanted = SpreadRequest{_surrogate, parameter, fixed, _spreadOptions, _spreadGeneration};
    // One computation at a time: while one runs, only the newest request waits.
    _spreadPending = _spreadWanted;
    if (!_spreadRunning) startSpread();
}

void SliceView::startSpread()
{
    if (!_spreadPending) return;
    const SpreadRequest r = std::move(*_spreadPending);
    _spreadPending.reset();
    _spreadRunning = true;
    // The worker reads the shared immutable surrogate and plain values only.
    _spreadWatcher.setFuture(QtConcurrent::run([r] {
        SpreadResult out;
        out.generation = r.generation;
        try {
            out.spread = analysis::sliceSpread(*r.surrogate, r.parameter, r.fixed, kSliceResolution, r.options);
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(tw::printable(e.what()));
        }
        return out;
    }));
}

void SliceView::onSpreadFinished()
{
    SpreadResult r = _spreadWatcher.result();
    _spreadRunning = false;
    startSpread();
    if (!_spreadWanted || r.generation != _spreadWanted->generation) return;  // stale
    if (r.error.isEmpty())
        _spread = std::move(r.spread);
    else
        _spreadError = r.error;
    rebuild();
    Q_EMIT spreadChanged();
}

QString SliceView::spreadCaption() const
{
    if (_spreadOptions.draws <= 0 || !_surrogate) return {};
    if (!_spreadError.isEmpty()) return tr("The spread over GP hyperparameter draws failed: %1").arg(_spreadError);
    if (_surrogate->gp().size() > _spreadOptions.maxObservations)
        return tr("No spread over GP hyperparameter draws above %1 observations: the GP's hyperparameters are well "
                  "determined by then, and drawing them would cost seconds.")
            .arg(_spreadOptions.maxObservations);
    const int low = int(std::lround(100 * _spreadOptions.lowQuantile)),
              high = int(std::lround(100 * _spreadOptions.highQuantile));
    if (!_spread) return tr("Computing the GP mean over %1 GP hyperparameter draws\u2026").arg(_spreadOptions.draws);
    const bool boxes = _slice && _slice->x.categorical;
    return tr("Orange: the GP mean's %1th\u2013%2th percentile over %3 GP hyperparameter draws (%4); wide where the "
              "data cannot tell the fit's lengthscales and noise yet.")
        .arg(low)
        .arg(high)
        .arg(_spread->draws)
        .arg(boxes ? tr("a box per choice") : tr("thin lines: each draw"));
}

QString SliceView::spreadTooltip(int k) const
{
    if (!_spread || !_slice || k < 0 || k >= _spread->low.size() || k >= _slice->mean.size()) return {};
    const analysis::Axis& axis = _slice->x;
    const QString at = axis.categorical && size_t(k) < axis.labels.size()
                           ? QString::fromStdString(axis.labels[size_t(k)])
                           : (axis.integer ? QString::number(std::llround(axis.values[size_t(k)]))
                                           : formatNumber(axis.values[size_t(k)]));
    return tr("%1 = %2: GP mean %3 (the fit)\n%4th\u2013%5th percentile %6 \u2013 %7 over %8 GP hyperparameter draws")
        .arg(QString::fromStdString(axis.name), at, formatNumber(_slice->mean[k]))
        .arg(std::lround(100 * _spreadOptions.lowQuantile))
        .arg(std::lround(100 * _spreadOptions.highQuantile))
        .arg(formatNumber(_spread->low[k]), formatNumber(_spread->high[k]))
        .arg(_spread->draws);
}

std::vector<QAbstractSeries*> SliceView::addSpread(const analysis::Slice& s, double& lo, double& hi)
{
    std::vector<QAbstractSeries*> added;
    if (!_spread || _spread->draws == 0 || _spread->low.size() != s.mean.size() || _spread->x != s.x.values)
        return added;
    const auto& sp = *_spread;
    const QColor line = spreadColor(_dark);
    QColor fill = line;
    fill.setAlpha(_dark ? 95 : 75);
    QColor thin = line;
    thin.setAlpha(_dark ? 120 : 100);
    const QString name = tr("mean over %1 draws (%2\u2013%3%)")
                             .arg(sp.draws)
                             .arg(std::lround(100 * _spreadOptions.lowQuantile))
                             .arg(std::lround(100 * _spreadOptions.highQuantile));
    const auto hover = [this](QAbstractSeries* series, std::function<int(const QPointF&)> index) {
        connect(static_cast<QAreaSeries*>(series), &QAreaSeries::hovered, this,
                [this, index](const QPointF& p, bool state) {
                    if (state)
                        QToolTip::showText(QCursor::pos(), spreadTooltip(index(p)), _view);
                    else
                        QToolTip::hideText();
                });
    };
    const auto n = s.mean.size();
    for (Eigen::Index k = 0; k < n; ++k) {
        lo = std::min(lo, sp.low[k]);
        hi = std::max(hi, sp.high[k]);
    }
    if (s.x.categorical) {
        // A box per choice, behind its error bar.
        for (Eigen::Index k = 0; k < n; ++k) {
            auto* upper = new QLineSeries;
            auto* lower = new QLineSeries;
            upper->append({QPointF(k - 0.2, sp.high[k]), QPointF(k + 0.2, sp.high[k])});
            lower->append({QPointF(k - 0.2, sp.low[k]), QPointF(k + 0.2, sp.low[k])});
            auto* box = new QAreaSeries(upper, lower);
            upper->setParent(box);
            lower->setParent(box);
            box->setName(name);
            box->setBrush(fill);
            box->setPen(QPen(line, 1.0));
            _chart->addSeries(box);
            for (QLegendMarker* m : _chart->legend()->markers(box)) {
                m->setVisible(k == 0);
                m->setShape(QLegend::MarkerShapeRectangle);
                m->setBrush(fill);
                m->setPen(QPen(line, 1.0));
            }
            hover(box, [k](const QPointF&) { return int(k); });
            added.push_back(box);
        }
        return added;
    }
    const bool logX = s.x.log;
    std::vector<double> xs;
    for (double v : s.x.values) xs.push_back(logX ? std::log10(v) : v);
    // Each draw's curve, thin, then the envelope over them.
    for (const Eigen::VectorXd& m : sp.means) {
        auto* curve = new QLineSeries;
        QList<QPointF> points;
        for (Eigen::Index k = 0; k < n && k < m.size(); ++k) points.append(QPointF(xs[size_t(k)], m[k]));
        curve->append(points);
        curve->setName(tr("a hyperparameter draw's mean"));
        _chart->addSeries(curve);
        curve->setPen(QPen(thin, 0.9));
        for (QLegendMarker* mk : _chart->legend()->markers(curve)) mk->setVisible(false);
        added.push_back(curve);
    }
    auto* upper = new QLineSeries;
    auto* lower = new QLineSeries;
    QList<QPointF> up, down;
    for (Eigen::Index k = 0; k < n; ++k) {
        up.append(QPointF(xs[size_t(k)], sp.high[k]));
        down.append(QPointF(xs[size_t(k)], sp.low[k]));
    }
    upper->append(up);
    lower->append(down);
    auto* envelope = new QAreaSeries(upper, lower);
    upper->setParent(envelope);
    lower->setParent(envelope);
    envelope->setName(name);
    _chart->addSeries(envelope);
    envelope->setBrush(fill);
    envelope->setPen(QPen(line, 1.0, Qt::DashLine));
    for (QLegendMarker* m : _chart->legend()->markers(envelope)) {
        m->setShape(QLegend::MarkerShapeRectangle);
        m->setBrush(fill);
        m->setPen(QPen(line, 1.0));
    }
    hover(envelope, [xs](const QPointF& p) {
        size_t best = 0;
        for (size_t k = 1; k < xs.size(); ++k)
            if (std::abs(xs[k] - p.x()) < std::abs(xs[best] - p.x())) best = k;
        return int(best);
    });
    added.push_back(envelope);
    return added;
}

} // namespace tw::ui
