#include "plots/contour_markers.h"

#include <QImage>
#include <QPaintEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPolygonF>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {

QPolygonF star(const QPointF& c, double outer, double inner)
{
    QPolygonF poly;
    for (int k = 0; k < 10; ++k) {
        const double a = -M_PI / 2 + k * M_PI / 5, r = k % 2 == 0 ? outer : inner;
        poly << c + QPointF(r * std::cos(a), r * std::sin(a));
    }
    return poly;
}

bool has(const std::vector<ContourPanel>& panels, ContourPanel p)
{
    return std::find(panels.begin(), panels.end(), p) != panels.end();
}

} // namespace

void drawMarker(QPainter& p, MarkerKind kind, const QPointF& c, double s)
{
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    switch (kind) {
    case MarkerKind::Trial:
        p.setPen(QPen(Qt::white, 1.2 * s));
        p.setBrush(Qt::black);
        p.drawEllipse(c, 3.6 * s, 3.6 * s);
        break;
    case MarkerKind::Best:
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 4.5 * s));
        p.drawEllipse(c, 8.0 * s, 8.0 * s);
        p.setPen(QPen(QColor(220, 20, 40), 2.6 * s));
        p.drawEllipse(c, 8.0 * s, 8.0 * s);
        break;
    case MarkerKind::Running: {
        const QRectF r(c.x() - 6 * s, c.y() - 6 * s, 12 * s, 12 * s);
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 4.0 * s));
        p.drawRect(r);
        p.setPen(QPen(QColor(20, 20, 20), 1.8 * s));
        p.drawRect(r);
        break;
    }
    case MarkerKind::Next:
        p.setPen(QPen(Qt::black, 1.6 * s));
        p.setBrush(QColor(255, 60, 200));
        p.drawPolygon(star(c, 10.5 * s, 4.4 * s));
        p.setPen(QPen(Qt::white, 0.9 * s));
        p.setBrush(Qt::NoBrush);
        p.drawPolygon(star(c, 8.4 * s, 3.2 * s));
        break;
    case MarkerKind::Failed: {
        const double d = 5.0 * s;
        QPainterPath x;
        x.moveTo(c + QPointF(-d, -d));
        x.lineTo(c + QPointF(d, d));
        x.moveTo(c + QPointF(-d, d));
        x.lineTo(c + QPointF(d, -d));
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 4.2 * s, Qt::SolidLine, Qt::RoundCap));
        p.drawPath(x);
        p.setPen(QPen(Qt::black, 2.0 * s, Qt::SolidLine, Qt::RoundCap));
        p.drawPath(x);
        break;
    }
    case MarkerKind::Cursor: {
        const double d = 9.0 * s, gap = 3.0 * s;
        QPainterPath x;
        for (const QPointF dir : {QPointF(1, 0), QPointF(-1, 0), QPointF(0, 1), QPointF(0, -1)}) {
            x.moveTo(c + dir * gap);
            x.lineTo(c + dir * d);
        }
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::black, 3.4 * s));
        p.drawPath(x);
        p.setPen(QPen(Qt::white, 1.4 * s));
        p.drawPath(x);
        break;
    }
    }
    p.restore();
}

void drawTrialDots(QPainter& p, const std::vector<QPointF>& centres, double pixelScale)
{
    p.save();
    const bool raster = p.paintEngine() && p.paintEngine()->type() == QPaintEngine::Raster;
    if (!raster || !p.transform().isIdentity() || centres.size() < 8) {
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(Qt::white, 1.2));
        p.setBrush(Qt::black);
        for (const QPointF& c : centres) p.drawEllipse(c, 3.6, 3.6);
        p.restore();
        return;
    }
    // An antialiased ellipse costs tens of microseconds; a copied one, one.
    constexpr int half = 6;
    const int side = int(std::ceil(2 * half * pixelScale));
    QImage sprite(side, side, QImage::Format_ARGB32_Premultiplied);
    sprite.fill(Qt::transparent);
    {
        QPainter s(&sprite);
        s.setRenderHint(QPainter::Antialiasing);
        s.scale(pixelScale, pixelScale);
        s.setPen(QPen(Qt::white, 1.2));
        s.setBrush(Qt::black);
        s.drawEllipse(QPointF(half, half), 3.6, 3.6);
    }
    sprite.setDevicePixelRatio(pixelScale);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    for (const QPointF& c : centres) {
        // On a device pixel: a copy, not a resampled blend.
        const QPointF at(std::round((c.x() - half) * pixelScale) / pixelScale, std::round((c.y() - half) * pixelScale) / pixelScale);
        p.drawImage(at, sprite);
    }
    p.restore();
}

std::vector<std::pair<MarkerKind, QString>> legendItems(const ContourPlotData& d)
{
    std::vector<std::pair<MarkerKind, QString>> out;
    const bool acq = has(d.panels, ContourPanel::Acquisition), fail = has(d.panels, ContourPanel::Failure);
    if (!d.observed.empty()) out.emplace_back(MarkerKind::Trial, QStringLiteral("trial"));
    if (d.best) out.emplace_back(MarkerKind::Best, QStringLiteral("best trial"));
    if (acq && !d.pending.empty()) out.emplace_back(MarkerKind::Running, QStringLiteral("running"));
    if (acq && d.next)
        out.emplace_back(MarkerKind::Next, d.nextElsewhere.empty()
                                               ? QStringLiteral("next trial (the sampler's proposal)")
                                               : QStringLiteral("next trial, with %1").arg(QString::fromStdString(d.nextElsewhere)));
    if ((acq || fail) && !d.failed.empty()) out.emplace_back(MarkerKind::Failed, QStringLiteral("failed trial"));
    // Two panels of mean and SE with trials only: the markers speak for themselves.
    if (!acq && !fail) return {};
    return out;
}

} // namespace tw::ui
