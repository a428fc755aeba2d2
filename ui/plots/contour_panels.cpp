// The panels of the contour plots (see contour_renderer.h): what each shows
// (its values, colour range, contour lines and title), and the colour bars
// and the legend the renderer draws around them.
#include "plots/colormap.h"
#include "plots/contour_axes.h"
#include "plots/contour_field.h"
#include "plots/contour_markers.h"
#include "plots/contour_renderer.h"
#include "plots/plot_export.h"

#include <QFontMetricsF>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace tw::ui {

QString panelTitle(ContourPanel panel, const std::string& acquisitionName)
{
    switch (panel) {
    case ContourPanel::Mean: return QStringLiteral("Mean");
    case ContourPanel::StandardError: return QStringLiteral("Standard error");
    case ContourPanel::Acquisition:
        return acquisitionName == "ucb" ? QStringLiteral("Acquisition (UCB)") : QStringLiteral("Acquisition (log EI)");
    case ContourPanel::Failure: return QStringLiteral("P(failure)");
    }
    return {};
}

namespace {

std::pair<double, double> rangeOf(const Eigen::MatrixXd& z, const analysis::Grid2D& g, ContourPanel panel,
                                  const std::string& acquisitionName)
{
    if (panel == ContourPanel::Failure) return {0.0, 1.0};  // a probability reads absolutely
    double lo = INFINITY, hi = -INFINITY;
    for (Eigen::Index k = 0; k < z.size(); ++k)
        if (const double v = z.data()[k]; std::abs(v) < kUnbounded) {
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    if (!(lo <= hi)) return {0.0, 1.0};
    if (panel == ContourPanel::StandardError) {
        // Far from the data the output warp can blow the SE up by orders of
        // magnitude; the scale stops at twice the mean's spread (beyond it
        // all is "as uncertain as can be") so that the rest keeps its shades.
        const auto [mlo, mhi] = rangeOf(g.mean, g, ContourPanel::Mean, acquisitionName);
        const double cap = 2.0 * (mhi - mlo);
        if (cap > 0 && hi > cap && lo < cap) hi = cap;
    }
    if (panel == ContourPanel::Acquisition && acquisitionName != "ucb") {
        // Log EI falls off steeply far from anything promising: below 12
        // (a factor e^-12 of the best expected improvement) is all dark.
        lo = std::max(lo, hi - 12.0);
    }
    if (!(hi > lo)) {
        const double pad = std::max(std::abs(lo) * 1e-6, 1e-12);
        lo -= pad;
        hi += pad;
    }
    return {lo, hi};
}

} // namespace

Eigen::MatrixXd panelValues(const analysis::Grid2D& g, ContourPanel panel)
{
    switch (panel) {
    case ContourPanel::Mean: return g.mean;
    case ContourPanel::StandardError: return g.se;
    case ContourPanel::Acquisition: return g.acquisition;
    case ContourPanel::Failure: return g.feasible.size() > 0 ? Eigen::MatrixXd((1.0 - g.feasible.array()).matrix()) : Eigen::MatrixXd();
    }
    return {};
}

std::pair<double, double> panelRange(const analysis::Grid2D& g, ContourPanel panel, const std::string& acquisitionName)
{
    return panel == ContourPanel::Failure ? std::pair<double, double>{0.0, 1.0}
                                          : rangeOf(panelValues(g, panel), g, panel, acquisitionName);
}

std::vector<QPainterPath> panelContourLines(const analysis::Grid2D& g, ContourPanel panel,
                                            const std::string& acquisitionName)
{
    std::vector<QPainterPath> out;
    const Eigen::MatrixXd z = panelValues(g, panel);
    const AxisMap xm(g.x), ym(g.y);
    const int nx = std::min<int>(xm.n, int(z.cols())), ny = std::min<int>(ym.n, int(z.rows()));
    if (g.x.categorical || g.y.categorical || nx < 2 || ny < 2) return out;
    const int mx = std::min(4 * (nx - 1) + 1, 241), my = std::min(4 * (ny - 1) + 1, 241);
    const std::vector<double> fx = evenFractions(mx), fy = evenFractions(my);
    const auto [lo, hi] = panelRange(g, panel, acquisitionName);
    const Eigen::MatrixXd fine = resampleGrid(clampedTo(z, lo, hi), xm.nodes(), ym.nodes(), fx, fy);
    if (panel == ContourPanel::Failure) {
        for (double level : {0.1, 0.25, 0.5, 0.75, 0.9}) out.push_back(contourPath(fine, fx, fy, level));
    } else {
        for (int k = 1; k <= 8; ++k) out.push_back(contourPath(fine, fx, fy, lo + (hi - lo) * k / 9.0));
    }
    return out;
}

void ContourRenderer::paintColourBar(QPainter& p, const QRectF& r, const QRectF& plot, ContourPanel panel) const
{
    const QFont tickFont = fontOf(12);
    const QFontMetricsF tickFm(tickFont);
    const auto [lo, hi] = valueRange(panel);
    const bool flip = panel == ContourPanel::Mean && _data.minimize;
    const bool red = panel == ContourPanel::Failure;
    const auto colourT = [&](double v) {
        const double t = (v - lo) / (hi - lo);
        return flip ? 1.0 - t : t;
    };
    // The bar: the map's top colour at the top, with value ticks and what it means.
    const QRectF bar(plot.right() + 12, plot.top(), 14, plot.height());
    p.setRenderHint(QPainter::Antialiasing, false);
    const int slices = 128;
    for (int k = 0; k < slices; ++k) {
        const double y0 = bar.bottom() - (k + 1) * bar.height() / slices;
        const double t = (k + 0.5) / slices;
        p.fillRect(QRectF(bar.left(), y0, bar.width(), bar.height() / slices + 0.6), red ? reds(t) : viridis(t));
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(_text, 1.0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(bar);
    p.setFont(tickFont);
    double barTextW = 0;
    for (double v : niceTicks(lo, hi, 5)) {
        const double y = bar.bottom() - colourT(v) * bar.height();
        if (y < bar.top() - 0.5 || y > bar.bottom() + 0.5)
            continue;
        p.drawLine(QPointF(bar.right(), y), QPointF(bar.right() + 4, y));
        const QString label = formatNumber(v);
        barTextW = std::max(barTextW, tickFm.horizontalAdvance(label));
        p.drawText(QRectF(bar.right() + 6, y - tickFm.height() / 2, 80, tickFm.height()),
                   Qt::AlignLeft | Qt::AlignVCenter, label);
    }
    const QString objective = _data.objectiveName.empty() ? QStringLiteral("objective")
                                                          : QString::fromStdString(_data.objectiveName);
    const bool ucb = _data.acquisitionName == "ucb";
    // The longest title that fits along the bar: small multiples are short,
    // and a title cut mid-word says less than a shorter one.
    QStringList titles;
    switch (panel) {
    case ContourPanel::Mean:
        titles = {QString("mean %1 (yellow = better: %2)").arg(objective, _data.minimize ? "lower" : "higher"),
                  QString("mean %1 (yellow = better)").arg(objective), QString("mean %1").arg(objective), objective};
        break;
    case ContourPanel::StandardError:
        titles = {QString("standard error of %1 (yellow = more uncertain)").arg(objective),
                  QString("standard error of %1").arg(objective), QString("SE of %1").arg(objective),
                  QStringLiteral("SE")};
        break;
    case ContourPanel::Acquisition:
        titles = {ucb ? QStringLiteral("upper confidence bound (yellow = worth trying)")
                      : QStringLiteral("log expected improvement (yellow = worth trying)"),
                  ucb ? QStringLiteral("UCB (yellow = worth trying)") : QStringLiteral("log EI (yellow = worth trying)"),
                  ucb ? QStringLiteral("UCB") : QStringLiteral("log EI"), QStringLiteral("acq.")};
        break;
    case ContourPanel::Failure:
        titles = {QStringLiteral("probability that a trial fails (red = likely)"),
                  QStringLiteral("P(failure) (red = likely)"), QStringLiteral("P(failure)"), QStringLiteral("P(fail)")};
        break;
    }
    QString barTitle = titles.back();
    for (const QString& t : titles)
        if (tickFm.horizontalAdvance(t) <= bar.height()) {
            barTitle = t;
            break;
        }
    // A scale that stops short of the largest value says so above the bar.
    if (panel != ContourPanel::Failure) {
        const Eigen::MatrixXd& z = values(panel);
        bool beyond = false;
        for (Eigen::Index k = 0; k < z.size() && !beyond; ++k) beyond = z.data()[k] > hi && !std::isnan(z.data()[k]);
        if (beyond) {
            p.drawText(QRectF(bar.left() - 4, bar.top() - tickFm.height() - 3, r.right() - bar.left() + 4,
                              tickFm.height()),
                       Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("\u2265 ") + formatNumber(hi));
        }
    }
    p.save();
    p.setFont(tickFont);
    p.translate(std::min(bar.right() + 10 + barTextW + tickFm.height() / 2 + 2, r.right() - tickFm.height() / 2),
                bar.center().y());
    p.rotate(90);
    p.drawText(QRectF(-bar.height() / 2, -tickFm.height() / 2, bar.height(), tickFm.height()), Qt::AlignCenter,
               tickFm.elidedText(barTitle, Qt::ElideRight, bar.height()));
    p.restore();
}

void ContourRenderer::paintLegend(QPainter& p, const QRectF& strip) const
{
    const auto items = legendItems(_data);
    const QFont font = fontOf(12);
    const QFontMetricsF fm(font);
    constexpr double symbolW = 18, gap = 22;
    double total = 0;
    for (const auto& [kind, text] : items) total += symbolW + 4 + fm.horizontalAdvance(text) + gap;
    total -= gap;
    double x = strip.center().x() - total / 2;
    const double y = strip.center().y();
    p.save();
    p.setFont(font);
    for (const auto& [kind, text] : items) {
        // On a mid-grey swatch so that white-edged markers read on any background.
        const QRectF swatch(x, y - 8, symbolW, 16);
        p.fillRect(swatch, QColor(150, 150, 150));
        drawMarker(p, kind, swatch.center(), 0.8);
        x += symbolW + 4;
        p.setPen(_text);
        const double tw = fm.horizontalAdvance(text);
        p.drawText(QRectF(x, y - fm.height() / 2, tw + 2, fm.height()), Qt::AlignLeft | Qt::AlignVCenter, text);
        x += tw + gap;
    }
    p.restore();
}

} // namespace tw::ui
