// Painting and export of the contour plots (see contour_renderer.h).
#include "plots/contour_renderer.h"
#include "plots/colormap.h"
#include "plots/plot_export.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QImage>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {


/// 1-2-5 steps covering [lo, hi] with about `target` ticks.
std::vector<double> niceTicks(double lo, double hi, int target)
{
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
        return {lo};
    const double raw = (hi - lo) / target;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / mag;
    const double step = (r < 1.5 ? 1.0 : r < 3.0 ? 2.0 : r < 7.0 ? 5.0 : 10.0) * mag;
    std::vector<double> ticks;
    for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k += 1.0)
        ticks.push_back(std::abs(k) < 1e-9 ? 0.0 : k * step);
    return ticks;
}

/// Where the values of an axis go: a fraction of the plot's extent.
struct AxisMap {
    const analysis::Axis& axis;
    int n;
    double lo = 0.0, hi = 1.0;  // in the transformed (log10) scale

    explicit AxisMap(const analysis::Axis& a) : axis(a), n(int(a.values.size()))
    {
        if (!a.categorical && n > 0) {
            lo = u(a.values.front());
            hi = u(a.values.back());
            if (!(hi > lo) || !std::isfinite(hi - lo)) {
                lo = (std::isfinite(lo) ? lo : 0.0) - 0.5;
                hi = lo + 1.0;
            }
        }
    }
    double u(double v) const { return axis.log ? std::log10(v) : v; }
    double frac(double v) const
    {
        if (axis.categorical)
            return (v + 0.5) / std::max(n, 1);
        return (u(v) - lo) / (hi - lo);
    }
    /// The cell of grid value k: from the midpoint to its left neighbour to the
    /// midpoint to its right one (bands for a categorical).
    std::pair<double, double> span(int k) const
    {
        if (axis.categorical)
            return {double(k) / n, double(k + 1) / n};
        const double c = frac(axis.values[size_t(k)]);
        const double a = k > 0 ? (c + frac(axis.values[size_t(k - 1)])) / 2 : 0.0;
        const double b = k + 1 < n ? (c + frac(axis.values[size_t(k + 1)])) / 2 : 1.0;
        return {std::clamp(a, 0.0, 1.0), std::clamp(b, 0.0, 1.0)};
    }
};

struct Tick {
    double frac;
    QString label;
};

std::vector<Tick> axisTicks(const AxisMap& m, int target)
{
    std::vector<Tick> ticks;
    const auto& a = m.axis;
    if (a.categorical) {
        for (int k = 0; k < m.n; ++k)
            ticks.push_back({(k + 0.5) / m.n, size_t(k) < a.labels.size() ? QString::fromStdString(a.labels[size_t(k)])
                                                                          : formatNumber(a.values[size_t(k)])});
        return ticks;
    }
    std::vector<double> values;
    if (a.log) {
        const double decades = m.hi - m.lo;
        const std::vector<double> mult = decades > 2.5 ? std::vector<double>{1}
                                         : decades > 0.8 ? std::vector<double>{1, 2, 5}
                                                         : std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9};
        const int every = std::max(1, int(std::ceil(decades / 7.0)));
        for (int e = int(std::floor(m.lo)); e <= int(std::ceil(m.hi)); ++e) {
            if (mult.size() == 1 && e % every != 0)
                continue;
            for (double k : mult) {
                const double v = k * std::pow(10.0, e);
                if (std::log10(v) >= m.lo - 1e-9 && std::log10(v) <= m.hi + 1e-9)
                    values.push_back(v);
            }
        }
        if (values.size() < 2) {
            values.clear();
            for (double v : niceTicks(std::pow(10.0, m.lo), std::pow(10.0, m.hi), target))
                if (v > 0)
                    values.push_back(v);
        }
    } else {
        for (double v : niceTicks(m.lo, m.hi, target))
            if (!a.integer || std::abs(v - std::round(v)) < 1e-9)
                values.push_back(v);
    }
    for (double v : values) {
        const double f = m.frac(v);
        if (f >= -1e-6 && f <= 1.0 + 1e-6)
            ticks.push_back({std::clamp(f, 0.0, 1.0), formatNumber(v)});
    }
    return ticks;
}

QFont fontOf(int pixels, bool bold = false)
{
    QFont f;
    f.setPixelSize(pixels);
    f.setBold(bold);
    return f;
}

/// Marching squares over the nodes (px[i], py[j]) of z (rows follow y).
QPainterPath contourPath(const Eigen::MatrixXd& z, const std::vector<double>& px, const std::vector<double>& py,
                         double level)
{
    QPainterPath path;
    const auto cross = [level](const QPointF& a, double va, const QPointF& b, double vb) {
        const double t = (level - va) / (vb - va);
        return a + (b - a) * t;
    };
    for (size_t j = 0; j + 1 < py.size(); ++j) {
        for (size_t i = 0; i + 1 < px.size(); ++i) {
            const double v[4] = {z(Eigen::Index(j), Eigen::Index(i)), z(Eigen::Index(j), Eigen::Index(i + 1)),
                                 z(Eigen::Index(j + 1), Eigen::Index(i + 1)), z(Eigen::Index(j + 1), Eigen::Index(i))};
            if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2]) || !std::isfinite(v[3]))
                continue;
            const QPointF c[4] = {{px[i], py[j]}, {px[i + 1], py[j]}, {px[i + 1], py[j + 1]}, {px[i], py[j + 1]}};
            QPointF hits[4];
            int n = 0;
            for (int e = 0; e < 4; ++e) {
                const int f = (e + 1) % 4;
                if ((v[e] < level) != (v[f] < level))
                    hits[n++] = cross(c[e], v[e], c[f], v[f]);
            }
            for (int k = 0; k + 1 < n; k += 2) {
                path.moveTo(hits[k]);
                path.lineTo(hits[k + 1]);
            }
        }
    }
    return path;
}

QString fixedCaption(const analysis::Grid2D& g)
{
    QStringList parts;
    if (g.fixedJson.is_object()) {
        for (auto it = g.fixedJson.begin(); it != g.fixedJson.end(); ++it) {
            const auto& v = it.value();
            QString text = v.is_number() ? formatNumber(v.get<double>())
                           : v.is_string() ? QString::fromStdString(v.get<std::string>())
                                           : QString::fromStdString(v.dump());
            parts << QString::fromStdString(it.key()) + " = " + text;
        }
    }
    const QString obs = QString("%1 observation%2").arg(g.observations).arg(g.observations == 1 ? "" : "s");
    if (parts.isEmpty())
        return "No other parameters.   " + obs + ".";
    return "Other parameters fixed at: " + parts.join(", ") + ".   " + obs + ".";
}

} // namespace

ContourRenderer::ContourRenderer(ContourPlotData data) : _data(std::move(data)), _background(Qt::white)
{
    _text = qGuiApp ? QGuiApplication::palette().color(QPalette::WindowText) : QColor(Qt::black);
    if (_text.lightness() > 140)
        _text = Qt::black;
}

void ContourRenderer::setColors(const QColor& background, const QColor& text)
{
    _background = background;
    _text = text;
}

std::pair<QRectF, QRectF> ContourRenderer::panels(const QRectF& area) const
{
    const double titleH = _data.title.empty() ? 6.0 : 32.0, captionH = 42.0;
    const QRectF body(area.left() + 8, area.top() + titleH, area.width() - 16, area.height() - titleH - captionH);
    const double gap = 20.0, half = (body.width() - gap) / 2;
    return {QRectF(body.left(), body.top(), half, body.height()),
            QRectF(body.left() + half + gap, body.top(), half, body.height())};
}

QRectF ContourRenderer::plotRect(const QRectF& panel) const
{
    // Room for the y tick labels and title on the left, the colour bar on the right.
    const QFontMetricsF tickFm(fontOf(12)), labelFm(fontOf(13));
    double yLabelW = 0;
    for (const Tick& t : axisTicks(AxisMap(_data.grid.y), 6))
        yLabelW = std::max(yLabelW, tickFm.horizontalAdvance(t.label));
    yLabelW = std::min(yLabelW, panel.width() * 0.22);
    const double left = yLabelW + 10 + labelFm.height() + 6, right = 104, top = 26, bottom = 48;
    return QRectF(panel.left() + left, panel.top() + top, panel.width() - left - right,
                  panel.height() - top - bottom);
}

std::optional<ContourRenderer::Probe> ContourRenderer::probe(const QRectF& area, const QPointF& pos) const
{
    const auto& g = _data.grid;
    const auto [meanPanel, sePanel] = panels(area);
    for (const bool mean : {true, false}) {
        const QRectF plot = plotRect(mean ? meanPanel : sePanel);
        if (plot.width() < 10 || plot.height() < 10 || !plot.contains(pos)) continue;
        const double fx = (pos.x() - plot.left()) / plot.width(), fy = (plot.bottom() - pos.y()) / plot.height();
        // The grid cell under the point: cells span midpoint to midpoint (bands for categories).
        auto cell = [](const AxisMap& m, double f) {
            for (int k = 0; k < m.n; ++k)
                if (const auto [a, b] = m.span(k); f >= a && f <= b) return k;
            return m.n - 1;
        };
        const AxisMap xm(g.x), ym(g.y);
        if (xm.n == 0 || ym.n == 0) return std::nullopt;
        const int i = cell(xm, fx), j = cell(ym, fy);
        if (j >= g.mean.rows() || i >= g.mean.cols()) return std::nullopt;
        Probe out;
        out.meanPanel = mean;
        out.column = i;
        out.row = j;
        out.x = g.x.values[size_t(i)];
        out.y = g.y.values[size_t(j)];
        out.mean = g.mean(j, i);
        out.se = j < g.se.rows() && i < g.se.cols() ? g.se(j, i) : std::nan("");
        return out;
    }
    return std::nullopt;
}

void ContourRenderer::paint(QPainter& p, const QRectF& area) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.fillRect(area, _background);
    p.setPen(_text);
    const double titleH = _data.title.empty() ? 6.0 : 32.0;
    if (!_data.title.empty()) {
        p.setFont(fontOf(17, true));
        p.drawText(QRectF(area.left(), area.top() + 4, area.width(), titleH - 4), Qt::AlignCenter,
                   QString::fromStdString(_data.title));
    }
    const double captionH = 42.0;
    const auto [meanPanel, sePanel] = panels(area);
    paintPanel(p, meanPanel, true);
    paintPanel(p, sePanel, false);
    p.setPen(_text);
    p.setFont(fontOf(13));
    p.drawText(QRectF(area.left() + 16, area.bottom() - captionH, area.width() - 32, captionH - 4),
               Qt::AlignCenter | Qt::TextWordWrap, fixedCaption(_data.grid));
    p.restore();
}

void ContourRenderer::paintPanel(QPainter& p, const QRectF& r, bool meanPanel) const
{
    const auto& g = _data.grid;
    const Eigen::MatrixXd& z = meanPanel ? g.mean : g.se;
    const AxisMap xm(g.x), ym(g.y);
    const int nx = std::min<int>(xm.n, int(z.cols())), ny = std::min<int>(ym.n, int(z.rows()));
    const QFont tickFont = fontOf(12), labelFont = fontOf(13), titleFont = fontOf(15, true);
    const QFontMetricsF tickFm(tickFont), labelFm(labelFont);

    const std::vector<Tick> xt = axisTicks(xm, 6), yt = axisTicks(ym, 6);
    const QRectF plot = plotRect(r);
    const double yLabelW = plot.left() - r.left() - 16 - labelFm.height();
    if (plot.width() < 10 || plot.height() < 10)
        return;
    const auto X = [&](double f) { return plot.left() + f * plot.width(); };
    const auto Y = [&](double f) { return plot.bottom() - f * plot.height(); };

    // Value range over the finite cells; better (mean) or larger (se) is yellow.
    double lo = INFINITY, hi = -INFINITY;
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i)
            if (const double v = z(j, i); std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
    if (!(lo <= hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (!(hi > lo)) {
        const double pad = std::max(std::abs(lo) * 1e-6, 1e-12);
        lo -= pad;
        hi += pad;
    }
    const bool flip = meanPanel && _data.minimize;
    const auto colourT = [&](double v) {
        const double t = (v - lo) / (hi - lo);
        return flip ? 1.0 - t : t;
    };

    p.setPen(_text);
    p.setFont(titleFont);
    p.drawText(QRectF(plot.left(), r.top(), plot.width(), plot.top() - r.top() - 4), Qt::AlignCenter,
               meanPanel ? QStringLiteral("Mean") : QStringLiteral("Standard error"));

    // Cells, without antialiasing (and a hair wider) so that no seams show.
    p.setRenderHint(QPainter::Antialiasing, false);
    for (int j = 0; j < ny; ++j) {
        const auto ys = ym.span(j);
        for (int i = 0; i < nx; ++i) {
            const auto xs = xm.span(i);
            const QRectF cell(X(xs.first), Y(ys.second), (xs.second - xs.first) * plot.width() + 0.6,
                              (ys.second - ys.first) * plot.height() + 0.6);
            p.fillRect(cell.intersected(plot), viridis(colourT(z(j, i))));
        }
    }
    p.setRenderHint(QPainter::Antialiasing, true);

    // About eight contour lines (numeric axes only).
    if (!g.x.categorical && !g.y.categorical && nx >= 2 && ny >= 2) {
        std::vector<double> px, py;
        for (int i = 0; i < nx; ++i)
            px.push_back(X(xm.frac(g.x.values[size_t(i)])));
        for (int j = 0; j < ny; ++j)
            py.push_back(Y(ym.frac(g.y.values[size_t(j)])));
        p.setPen(QPen(QColor(255, 255, 255, 150), 0.9));
        p.setBrush(Qt::NoBrush);
        for (int k = 1; k <= 8; ++k)
            p.drawPath(contourPath(z.topLeftCorner(ny, nx), px, py, lo + (hi - lo) * k / 9.0));
    }

    // Observed trials, then the best one.
    const auto point = [&](double x, double y) -> std::optional<QPointF> {
        if (!std::isfinite(x) || !std::isfinite(y) || (g.x.log && x <= 0) || (g.y.log && y <= 0))
            return std::nullopt;
        return QPointF(X(xm.frac(x)), Y(ym.frac(y)));
    };
    p.setPen(QPen(Qt::white, 1.2));
    p.setBrush(Qt::black);
    for (const auto& [x, y] : _data.observed)
        if (const auto q = point(x, y))
            p.drawEllipse(*q, 3.6, 3.6);
    if (_data.best) {
        if (const auto q = point(_data.best->first, _data.best->second)) {
            p.setBrush(Qt::NoBrush);
            p.setPen(QPen(Qt::white, 4.5));
            p.drawEllipse(*q, 8.0, 8.0);
            p.setPen(QPen(QColor(220, 20, 40), 2.6));
            p.drawEllipse(*q, 8.0, 8.0);
        }
    }

    // Frame, ticks and axis titles.
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(_text, 1.0));
    p.drawRect(plot);
    p.setFont(tickFont);
    double lastRight = -INFINITY;
    for (const Tick& t : xt) {
        const double x = X(t.frac);
        p.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4));
        const QString label = g.x.categorical
                                  ? tickFm.elidedText(t.label, Qt::ElideRight, plot.width() / std::max(xm.n, 1) - 4)
                                  : t.label;
        const double w = tickFm.horizontalAdvance(label);
        if (x - w / 2 < lastRight + 6)
            continue;
        p.drawText(QRectF(x - w / 2 - 2, plot.bottom() + 5, w + 4, tickFm.height()), Qt::AlignCenter, label);
        lastRight = x + w / 2;
    }
    double lastTop = INFINITY;
    for (const Tick& t : yt) {
        const double y = Y(t.frac);
        p.drawLine(QPointF(plot.left() - 4, y), QPointF(plot.left(), y));
        const double h = tickFm.height();
        if (y + h / 2 > lastTop - 2)
            continue;
        const QString label = tickFm.horizontalAdvance(t.label) > yLabelW
                                  ? tickFm.elidedText(t.label, Qt::ElideRight, yLabelW)
                                  : t.label;
        p.drawText(QRectF(r.left(), y - h / 2, plot.left() - 6 - r.left(), h), Qt::AlignRight | Qt::AlignVCenter,
                   label);
        lastTop = y - h / 2;
    }
    p.setFont(labelFont);
    const auto axisTitle = [](const analysis::Axis& a) {
        return QString::fromStdString(a.name) + (a.log ? QStringLiteral(" (log scale)") : QString());
    };
    p.drawText(QRectF(plot.left(), plot.bottom() + 6 + tickFm.height(), plot.width(), labelFm.height() + 4),
               Qt::AlignCenter, axisTitle(g.x));
    p.save();
    p.translate(r.left() + labelFm.height() / 2 + 1, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -labelFm.height() / 2, plot.height(), labelFm.height()), Qt::AlignCenter,
               labelFm.elidedText(axisTitle(g.y), Qt::ElideRight, plot.height()));
    p.restore();

    // Colour bar: yellow at the top, with value ticks and what it means.
    const QRectF bar(plot.right() + 12, plot.top(), 14, plot.height());
    p.setRenderHint(QPainter::Antialiasing, false);
    const int slices = 128;
    for (int k = 0; k < slices; ++k) {
        const double y0 = bar.bottom() - (k + 1) * bar.height() / slices;
        p.fillRect(QRectF(bar.left(), y0, bar.width(), bar.height() / slices + 0.6),
                   viridis((k + 0.5) / slices));
    }
    p.setRenderHint(QPainter::Antialiasing, true);
    p.setPen(QPen(_text, 1.0));
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
    // The longest title that fits along the bar: small multiples are short,
    // and a title cut mid-word says less than a shorter one.
    const QStringList titles =
        meanPanel ? QStringList{QString("mean %1 (yellow = better: %2)").arg(objective, _data.minimize ? "lower" : "higher"),
                                QString("mean %1 (yellow = better)").arg(objective), QString("mean %1").arg(objective),
                                objective}
                  : QStringList{QString("standard error of %1 (yellow = more uncertain)").arg(objective),
                                QString("standard error of %1").arg(objective), QString("SE of %1").arg(objective),
                                QStringLiteral("SE")};
    QString barTitle = titles.back();
    for (const QString& t : titles)
        if (tickFm.horizontalAdvance(t) <= bar.height()) {
            barTitle = t;
            break;
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

bool ContourRenderer::savePng(const QString& path, qreal scale) const
{
    const QSize size = preferredSize();
    QImage image((QSizeF(size) * scale).toSize(), QImage::Format_ARGB32);
    image.setDevicePixelRatio(scale);
    image.fill(_background);
    QPainter p(&image);
    paint(p, QRectF(QPointF(0, 0), QSizeF(size)));
    p.end();
    return image.save(path, "PNG");
}

bool ContourRenderer::saveSvg(const QString& path) const
{
    const QSize size = preferredSize();
    QSvgGenerator svg;
    svg.setFileName(path);
    svg.setSize(size);
    svg.setViewBox(QRect(QPoint(0, 0), size));
    svg.setTitle(QString::fromStdString(_data.title));
    svg.setDescription(QStringLiteral("GP posterior mean and standard error"));
    QPainter p;
    if (!p.begin(&svg))
        return false;
    paint(p, QRectF(QPointF(0, 0), QSizeF(size)));
    return p.end() && QFileInfo(path).size() > 0;
}

bool ContourRenderer::savePdf(const QString& path) const
{
    const QSize size = preferredSize();
    QPdfWriter pdf(path);
    pdf.setResolution(300);
    pdf.setTitle(QString::fromStdString(_data.title));
    pdf.setCreator(QStringLiteral("Tuning Workbench"));
    // Page in points (1 px = 0.75 pt), portrait-shaped so that Landscape turns it wide.
    const QPageSize page(QSizeF(size.height() * 0.75, size.width() * 0.75), QPageSize::Point, QString(),
                         QPageSize::ExactMatch);
    if (!pdf.setPageLayout(QPageLayout(page, QPageLayout::Landscape, QMarginsF(0, 0, 0, 0))))
        return false;
    QPainter p;
    if (!p.begin(&pdf))
        return false;
    p.scale(pdf.width() / double(size.width()), pdf.height() / double(size.height()));
    paint(p, QRectF(QPointF(0, 0), QSizeF(size)));
    return p.end() && QFileInfo(path).size() > 0;
}

} // namespace tw::ui
