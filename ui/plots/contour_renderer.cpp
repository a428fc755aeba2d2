// Painting and export of the contour plots (see contour_renderer.h).
#include "plots/contour_renderer.h"
#include "plots/colormap.h"
#include "plots/contour_axes.h"
#include "plots/contour_field.h"
#include "plots/contour_markers.h"
#include "plots/plot_export.h"

#include <QFileInfo>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QPageLayout>
#include <QPageSize>
#include <QPaintDevice>
#include <QPainter>
#include <QPalette>
#include <QPdfWriter>
#include <QSvgGenerator>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {

constexpr double kCaptionH = 42.0, kGapX = 20.0, kGapY = 14.0;
// What a panel needs around its plot area (tick labels, titles, colour bar).
constexpr double kPanelMarginW = 180.0, kPanelMarginH = 74.0;

double titleHeight(const ContourPlotData& d) { return d.title.empty() ? 6.0 : 32.0; }

/// Columns and rows of n panels in `body`: the arrangement whose smallest
/// plot side is largest.
std::pair<int, int> arrangement(int n, const QSizeF& body)
{
    std::pair<int, int> best{std::max(n, 1), 1};
    double bestScore = -INFINITY;
    for (int cols = 1; cols <= std::max(n, 1); ++cols) {
        const int rows = (n + cols - 1) / cols;
        if (cols > 1 && (cols - 1) * rows >= n) continue;  // an empty column
        const double w = (body.width() - (cols - 1) * kGapX) / cols - kPanelMarginW;
        const double h = (body.height() - (rows - 1) * kGapY) / rows - kPanelMarginH;
        const double score = std::min(w, h);
        if (score > bestScore + 1e-9) {
            bestScore = score;
            best = {cols, rows};
        }
    }
    return best;
}

bool showsBest(ContourPanel p) { return p != ContourPanel::Failure; }
bool showsFailed(ContourPanel p) { return p == ContourPanel::Acquisition || p == ContourPanel::Failure; }

} // namespace

ContourRenderer::ContourRenderer(ContourPlotData data) : _data(std::move(data)), _background(Qt::white)
{
    _text = qGuiApp ? QGuiApplication::palette().color(QPalette::WindowText) : QColor(Qt::black);
    if (_text.lightness() > 140)
        _text = Qt::black;
    const auto& g = _data.grid;
    if (g.feasible.size() > 0)
        _failure = (1.0 - g.feasible.array()).matrix();
    // A panel without its grid is not drawn.
    std::erase_if(_data.panels, [this](ContourPanel p) { return values(p).size() == 0; });
}

void ContourRenderer::setColors(const QColor& background, const QColor& text)
{
    _background = background;
    _text = text;
}

QSize ContourRenderer::preferredSize() const
{
    const int n = panelCount();
    if (n >= 4) return QSize(1200, 1000);
    if (n == 3) return QSize(1800, 520);
    if (n == 1) return QSize(700, 560);
    return QSize(1200, 520);
}

const Eigen::MatrixXd& ContourRenderer::values(ContourPanel panel) const
{
    switch (panel) {
    case ContourPanel::Mean: return _data.grid.mean;
    case ContourPanel::StandardError: return _data.grid.se;
    case ContourPanel::Acquisition: return _data.grid.acquisition;
    case ContourPanel::Failure: return _failure;
    }
    return _data.grid.mean;
}

std::pair<double, double> ContourRenderer::valueRange(ContourPanel panel) const
{
    return panelRange(_data.grid, panel, _data.acquisitionName);
}

double ContourRenderer::legendHeight() const
{
    return legendItems(_data).empty() ? 0.0 : 22.0;
}

std::vector<QRectF> ContourRenderer::panelRects(const QRectF& area) const
{
    const int n = panelCount();
    const double top = area.top() + titleHeight(_data);
    const QRectF body(area.left() + 8, top, area.width() - 16,
                      area.bottom() - kCaptionH - legendHeight() - top);
    const auto [cols, rows] = arrangement(n, body.size());
    const double w = (body.width() - (cols - 1) * kGapX) / cols, h = (body.height() - (rows - 1) * kGapY) / rows;
    std::vector<QRectF> out;
    for (int k = 0; k < n; ++k) {
        const int c = k % cols, r = k / cols;
        out.emplace_back(body.left() + c * (w + kGapX), body.top() + r * (h + kGapY), w, h);
    }
    return out;
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
    // On whole pixels: the heat map is then drawn pixel for pixel, unscaled.
    return QRectF(QPointF(std::round(panel.left() + left), std::round(panel.top() + top)),
                  QPointF(std::round(panel.right() - right), std::round(panel.bottom() - bottom)));
}

std::vector<QRectF> ContourRenderer::plotAreas(const QRectF& area) const
{
    std::vector<QRectF> out;
    for (const QRectF& r : panelRects(area)) out.push_back(plotRect(r));
    return out;
}

std::optional<QPointF> ContourRenderer::position(const QRectF& plot, double x, double y) const
{
    const auto& g = _data.grid;
    if (!std::isfinite(x) || !std::isfinite(y) || (g.x.log && x <= 0) || (g.y.log && y <= 0))
        return std::nullopt;
    const AxisMap xm(g.x), ym(g.y);
    return QPointF(plot.left() + xm.frac(x) * plot.width(), plot.bottom() - ym.frac(y) * plot.height());
}

std::optional<ContourRenderer::Probe> ContourRenderer::probe(const QRectF& area, const QPointF& pos) const
{
    const auto& g = _data.grid;
    const auto plots = plotAreas(area);
    for (size_t k = 0; k < plots.size(); ++k) {
        const QRectF& plot = plots[k];
        if (plot.width() < 10 || plot.height() < 10 || !plot.contains(pos)) continue;
        const double fx = (pos.x() - plot.left()) / plot.width(), fy = (plot.bottom() - pos.y()) / plot.height();
        const AxisMap xm(g.x), ym(g.y);
        if (xm.n == 0 || ym.n == 0) return std::nullopt;
        // The grid cell under the point: cells span midpoint to midpoint (bands for categories).
        const int i = xm.cellAt(fx), j = ym.cellAt(fy);
        if (j >= g.mean.rows() || i >= g.mean.cols()) return std::nullopt;
        Probe out;
        out.panel = int(k);
        out.kind = _data.panels[k];
        out.column = i;
        out.row = j;
        out.x = g.x.values[size_t(i)];
        out.y = g.y.values[size_t(j)];
        out.mean = g.mean(j, i);
        out.se = j < g.se.rows() && i < g.se.cols() ? g.se(j, i) : NAN;
        // The values of the panels drawn (P(failure) without failures is only its prior).
        const auto drawn = [this](ContourPanel p) {
            return std::find(_data.panels.begin(), _data.panels.end(), p) != _data.panels.end();
        };
        if (drawn(ContourPanel::Acquisition) && j < g.acquisition.rows() && i < g.acquisition.cols())
            out.acquisition = g.acquisition(j, i);
        if (drawn(ContourPanel::Failure) && j < _failure.rows() && i < _failure.cols()) out.failure = _failure(j, i);
        out.fraction = QPointF(fx, fy);
        return out;
    }
    return std::nullopt;
}

void ContourRenderer::paint(QPainter& p, const QRectF& area) const
{
    // The heat maps at the device's resolution: its pixel ratio times the
    // painter's own scale (a small multiple is painted scaled down).
    const double dpr = p.device() ? p.device()->devicePixelRatioF() : 1.0;
    const double scale = std::sqrt(std::abs(p.worldTransform().determinant()));
    paintAll(p, area, std::clamp(dpr * (scale > 0 ? scale : 1.0), 0.25, 4.0));
}

void ContourRenderer::paintAll(QPainter& p, const QRectF& area, double imageScale) const
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    p.setRenderHint(QPainter::SmoothPixmapTransform);
    p.fillRect(area, _background);
    p.setPen(_text);
    const double titleH = titleHeight(_data);
    if (!_data.title.empty()) {
        p.setFont(fontOf(17, true));
        p.drawText(QRectF(area.left(), area.top() + 4, area.width(), titleH - 4), Qt::AlignCenter,
                   QString::fromStdString(_data.title));
    }
    const auto rects = panelRects(area);
    for (size_t k = 0; k < rects.size(); ++k) paintPanel(p, rects[k], _data.panels[k], imageScale);
    if (const double lh = legendHeight(); lh > 0)
        paintLegend(p, QRectF(area.left() + 16, area.bottom() - kCaptionH - lh, area.width() - 32, lh));
    p.setPen(_text);
    p.setFont(fontOf(13));
    p.drawText(QRectF(area.left() + 16, area.bottom() - kCaptionH, area.width() - 32, kCaptionH - 4),
               Qt::AlignCenter | Qt::TextWordWrap, fixedCaption(_data.grid));
    p.restore();
}

const QImage& ContourRenderer::heat(ContourPanel panel, int width, int height) const
{
    const auto key = std::make_tuple(int(panel), width, height);
    if (const auto it = _heat.find(key); it != _heat.end()) return it->second;
    if (_heat.size() > 16) _heat.clear();
    const auto [lo, hi] = valueRange(panel);
    const bool flip = panel == ContourPanel::Mean && _data.minimize;
    const bool red = panel == ContourPanel::Failure;
    const AxisMap xm(_data.grid.x), ym(_data.grid.y);
    // An unbounded value (an SE the output warp cannot undo) is past the end
    // of the scale, not missing: NaN alone is grey.
    const QImage image = heatImage(clampedTo(values(panel), lo, hi), xm.nodes(), ym.nodes(), width, height, [&](double v) {
        const double t = (v - lo) / (hi - lo);
        return red ? redsRgb(t) : viridisRgb(flip ? 1.0 - t : t);
    });
    return _heat.emplace(key, image).first->second;
}

void ContourRenderer::paintPanel(QPainter& p, const QRectF& r, ContourPanel panel, double imageScale) const
{
    const auto& g = _data.grid;
    const Eigen::MatrixXd& z = values(panel);
    const AxisMap xm(g.x), ym(g.y);
    const int nx = std::min<int>(xm.n, int(z.cols())), ny = std::min<int>(ym.n, int(z.rows()));
    const QFont tickFont = fontOf(12), labelFont = fontOf(13), titleFont = fontOf(15, true);
    const QFontMetricsF tickFm(tickFont), labelFm(labelFont);

    const std::vector<Tick> xt = axisTicks(xm, 6), yt = axisTicks(ym, 6);
    const QRectF plot = plotRect(r);
    const double yLabelW = plot.left() - r.left() - 16 - labelFm.height() + 1.0;  // + the plot's rounding to pixels
    if (plot.width() < 10 || plot.height() < 10 || nx == 0 || ny == 0)
        return;
    const auto X = [&](double f) { return plot.left() + f * plot.width(); };
    const auto Y = [&](double f) { return plot.bottom() - f * plot.height(); };

    p.setPen(_text);
    p.setFont(titleFont);
    p.drawText(QRectF(plot.left(), r.top(), plot.width(), plot.top() - r.top() - 4), Qt::AlignCenter,
               panelTitle(panel, _data.acquisitionName));

    // The smooth heat map, at the device's pixels up to one per unit: a
    // smooth field gains nothing from more, a high-density screen draws it
    // filtered (a quarter of the work at 2x).
    const double heatScale = std::min(imageScale, 1.0);
    const int w = std::max(1, int(std::lround(plot.width() * heatScale)));
    const int h = std::max(1, int(std::lround(plot.height() * heatScale)));
    QImage image = heat(panel, w, h);
    image.setDevicePixelRatio(w / plot.width());
    p.drawImage(plot.topLeft(), image);

    // About eight contour lines (numeric axes only), on the resampled field.
    if (const auto& paths = lines(panel); !paths.empty()) {
        QTransform toPlot;
        toPlot.translate(plot.left(), plot.bottom());
        toPlot.scale(plot.width(), -plot.height());
        p.setPen(panel == ContourPanel::Failure ? QPen(QColor(70, 0, 0, 120), 0.9) : QPen(QColor(255, 255, 255, 150), 0.9));
        p.setBrush(Qt::NoBrush);
        p.save();
        p.setClipRect(plot);
        for (const QPainterPath& path : paths) p.drawPath(toPlot.map(path));
        p.restore();
    }

    paintMarkers(p, plot, panel, imageScale);

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
        const double tw = tickFm.horizontalAdvance(label);
        if (x - tw / 2 < lastRight + 6)
            continue;
        p.drawText(QRectF(x - tw / 2 - 2, plot.bottom() + 5, tw + 4, tickFm.height()), Qt::AlignCenter, label);
        lastRight = x + tw / 2;
    }
    double lastTop = INFINITY;
    for (const Tick& t : yt) {
        const double y = Y(t.frac);
        p.drawLine(QPointF(plot.left() - 4, y), QPointF(plot.left(), y));
        const double th = tickFm.height();
        if (y + th / 2 > lastTop - 2)
            continue;
        const QString label = tickFm.horizontalAdvance(t.label) > yLabelW
                                  ? tickFm.elidedText(t.label, Qt::ElideRight, yLabelW)
                                  : t.label;
        p.drawText(QRectF(r.left(), y - th / 2, plot.left() - 6 - r.left(), th), Qt::AlignRight | Qt::AlignVCenter,
                   label);
        lastTop = y - th / 2;
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

    paintColourBar(p, r, plot, panel);
}

const std::vector<QPainterPath>& ContourRenderer::lines(ContourPanel panel) const
{
    if (const auto it = _data.lines.find(panel); it != _data.lines.end()) return it->second;
    if (const auto it = _lines.find(int(panel)); it != _lines.end()) return it->second;
    return _lines[int(panel)] = panelContourLines(_data.grid, panel, _data.acquisitionName);
}

void ContourRenderer::paintCursor(QPainter& p, const QRectF& area, const QPointF& f) const
{
    for (const QRectF& plot : plotAreas(area)) {
        if (plot.width() < 10 || plot.height() < 10) continue;
        drawMarker(p, MarkerKind::Cursor, QPointF(plot.left() + f.x() * plot.width(), plot.bottom() - f.y() * plot.height()));
    }
}

void ContourRenderer::paintMarkers(QPainter& p, const QRectF& plot, ContourPanel panel, double imageScale) const
{
    const auto at = [&](const std::pair<double, double>& v) { return position(plot, v.first, v.second); };
    p.save();
    p.setClipRect(plot.adjusted(-10, -10, 10, 10));
    if (showsFailed(panel))
        for (const auto& v : _data.failed)
            if (const auto q = at(v)) drawMarker(p, MarkerKind::Failed, *q);
    std::vector<QPointF> dots;
    dots.reserve(_data.observed.size());
    for (const auto& v : _data.observed)
        if (const auto q = at(v)) dots.push_back(*q);
    drawTrialDots(p, dots, imageScale);
    if (_data.best && showsBest(panel))
        if (const auto q = at(*_data.best)) drawMarker(p, MarkerKind::Best, *q);
    if (panel == ContourPanel::Acquisition) {
        for (const auto& v : _data.pending)
            if (const auto q = at(v)) drawMarker(p, MarkerKind::Running, *q);
        if (_data.next)
            if (const auto q = at(*_data.next)) drawMarker(p, MarkerKind::Next, *q);
    }
    p.restore();
}

bool ContourRenderer::savePng(const QString& path, qreal scale) const
{
    const QSize size = preferredSize();
    QImage image((QSizeF(size) * scale).toSize(), QImage::Format_ARGB32);
    image.setDevicePixelRatio(scale);
    image.fill(_background);
    QPainter p(&image);
    paintAll(p, QRectF(QPointF(0, 0), QSizeF(size)), scale);
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
    svg.setDescription(QStringLiteral("GP posterior contour plots"));
    QPainter p;
    if (!p.begin(&svg))
        return false;
    paintAll(p, QRectF(QPointF(0, 0), QSizeF(size)), 2.0);
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
    const bool wide = size.width() >= size.height();
    const QSizeF points(size.width() * 0.75, size.height() * 0.75);
    const QPageSize page(wide ? points.transposed() : points, QPageSize::Point, QString(), QPageSize::ExactMatch);
    if (!pdf.setPageLayout(QPageLayout(page, wide ? QPageLayout::Landscape : QPageLayout::Portrait,
                                       QMarginsF(0, 0, 0, 0))))
        return false;
    QPainter p;
    if (!p.begin(&pdf))
        return false;
    p.scale(pdf.width() / double(size.width()), pdf.height() / double(size.height()));
    paintAll(p, QRectF(QPointF(0, 0), QSizeF(size)), 2.0);
    return p.end() && QFileInfo(path).size() > 0;
}

bool ContourRenderer::save(const QString& path, QString* error) const
{
    const auto format = exportFormatOf(path);
    if (!format) {
        if (error) *error = QObject::tr("%1: unknown image format (use .png, .svg or .pdf)").arg(path);
        return false;
    }
    const bool ok = *format == ExportFormat::Png   ? savePng(path)
                    : *format == ExportFormat::Svg ? saveSvg(path)
                                                   : savePdf(path);
    if (!ok && error) *error = QObject::tr("%1: cannot be written").arg(path);
    return ok;
}

} // namespace tw::ui
