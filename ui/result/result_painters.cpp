#include "result/result_painters.h"

#include "plots/plot_export.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace tw::ui {

namespace {

QColor textColor(bool dark)
{
    return dark ? QColor(230, 230, 230) : QColor(30, 30, 30);
}

/// Blue from white (0) to dark (1), as matplotlib's "Blues".
QColor blues(double t)
{
    t = std::clamp(t, 0.0, 1.0);
    const QColor a(247, 251, 255), b(8, 48, 107);
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t), float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

/// Round tick values inside [lo, hi]: steps of 1, 2 or 5 times a power of ten, about `count` of them.
std::vector<double> niceTicks(double lo, double hi, int count)
{
    std::vector<double> out;
    if (!(hi > lo)) return out;
    const double raw = (hi - lo) / count, mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step)
        out.push_back(std::abs(v) < 1e-12 * step ? 0.0 : v);
    return out;
}

QString elided(const QString& s, const QFont& f, qreal width)
{
    return QFontMetrics(f).elidedText(s, Qt::ElideRight, int(width));
}

} // namespace

void paintConfusionMatrix(QPainter& p, const QRectF& area, const train::ModelReport& report, bool dark)
{
    const int k = int(report.classNames.size());
    if (k == 0) return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QFont tick = plotFont(12), label = plotFont(13, true);
    const QFontMetrics fm(tick);
    int nameWidth = 0;
    for (const auto& n : report.classNames) nameWidth = std::max(nameWidth, fm.horizontalAdvance(QString::fromStdString(n)));
    nameWidth = std::min(nameWidth, int(area.width() * 0.3));
    const qreal left = area.left() + 24 + nameWidth + 8, top = area.top() + 8;
    const qreal bottom = area.bottom() - (fm.height() + 8 + QFontMetrics(label).height() + 4);
    const qreal side = std::max<qreal>(10, std::min(area.right() - 8 - left, bottom - top));
    const qreal cell = side / k;
    const QRectF grid(left, top, side, side);
    for (int t = 0; t < k; ++t) {
        int64_t rowTotal = 0;
        for (auto c : report.confusion[size_t(t)]) rowTotal += c;
        for (int c = 0; c < k; ++c) {
            const int64_t count = report.confusion[size_t(t)][size_t(c)];
            const double share = rowTotal > 0 ? double(count) / double(rowTotal) : 0.0;
            const QRectF r(left + c * cell, top + t * cell, cell, cell);
            p.fillRect(r, blues(share));
            p.setPen(QPen(dark ? QColor(60, 60, 60) : QColor(255, 255, 255), 1));
            p.drawRect(r);
            if (cell >= 18) {
                p.setPen(share > 0.5 ? Qt::white : QColor(30, 30, 30));
                QFont f = plotFont(std::clamp(int(cell / 4), 10, 16), c == t);
                p.setFont(f);
                const QString text = cell >= 44 && rowTotal > 0
                                         ? QString("%1\n%2%").arg(count).arg(100.0 * share, 0, 'f', 0)
                                         : QString::number(count);
                p.drawText(r, Qt::AlignCenter, text);
            }
        }
    }
    p.setPen(textColor(dark));
    p.setFont(tick);
    for (int i = 0; i < k; ++i) {
        const QString name = elided(QString::fromStdString(report.classNames[size_t(i)]), tick, nameWidth);
        p.drawText(QRectF(area.left() + 24, top + i * cell, nameWidth, cell), Qt::AlignRight | Qt::AlignVCenter, name);
        p.drawText(QRectF(left + i * cell, grid.bottom() + 4, cell, fm.height()), Qt::AlignCenter,
                   elided(QString::fromStdString(report.classNames[size_t(i)]), tick, cell - 2));
    }
    p.setFont(label);
    p.drawText(QRectF(left, grid.bottom() + 6 + fm.height(), side, QFontMetrics(label).height()), Qt::AlignCenter,
               QCoreApplication::translate("ResultView", "predicted class"));
    p.save();
    p.translate(area.left() + 4, top + side / 2);
    p.rotate(-90);
    p.drawText(QRectF(-side / 2, 0, side, QFontMetrics(label).height()), Qt::AlignCenter, QCoreApplication::translate("ResultView", "true class"));
    p.restore();
    p.restore();
}

void paintDecisionRegions(QPainter& p, const QRectF& area, const train::DecisionRegions& r, const data::Dataset& points,
                          bool dark)
{
    if (r.resolution < 2) return;
    p.save();
    p.setRenderHint(QPainter::Antialiasing);
    const QFont tick = plotFont(12), label = plotFont(13, true);
    const QFontMetrics fm(tick), lm(label);
    const qreal leftMargin = lm.height() + 8 + fm.horizontalAdvance(QStringLiteral("-00.0")) + 6;
    const QRectF plot(area.left() + leftMargin, area.top() + 8, area.width() - leftMargin - 24,
                      area.height() - 8 - fm.height() - lm.height() - 14);
    if (plot.width() < 20 || plot.height() < 20) {
        p.restore();
        return;
    }
    // The regions: the class colour, faded toward the background where the
    // model is unsure (confidence 1/k .. 1).
    QImage img(r.resolution, r.resolution, QImage::Format_RGB32);
    const QColor bg = dark ? QColor(40, 40, 40) : QColor(255, 255, 255);
    const int k = std::max(2, points.numClasses());
    for (int row = 0; row < r.resolution; ++row)
        for (int col = 0; col < r.resolution; ++col) {
            const size_t i = size_t(row) * size_t(r.resolution) + size_t(col);
            const QColor c = seriesColor(r.predicted[i], dark);
            const double sure = std::clamp((r.confidence[i] - 1.0 / k) / (1.0 - 1.0 / k), 0.0, 1.0);
            const double a = 0.18 + 0.42 * sure;
            img.setPixelColor(col, r.resolution - 1 - row,
                              QColor::fromRgbF(float(bg.redF() + (c.redF() - bg.redF()) * a),
                                               float(bg.greenF() + (c.greenF() - bg.greenF()) * a),
                                               float(bg.blueF() + (c.blueF() - bg.blueF()) * a)));
        }
    p.drawImage(plot, img);
    const auto toX = [&](double x) { return plot.left() + (x - r.xMin) / (r.xMax - r.xMin) * plot.width(); };
    const auto toY = [&](double y) { return plot.bottom() - (y - r.yMin) / (r.yMax - r.yMin) * plot.height(); };
    // The points, coloured by their true class; at most 3000 so the regions stay visible.
    const int64_t n = points.size();
    const int64_t stride = std::max<int64_t>(1, n / 3000);
    const qreal radius = n > 1500 ? 2.0 : 3.0;
    for (int64_t i = 0; i < n; i += stride) {
        const QColor c = seriesColor(int(points.labels[size_t(i)]), dark);
        p.setPen(QPen(c.darker(160), 0.8));
        p.setBrush(c);
        p.drawEllipse(QPointF(toX(points.features[size_t(2 * i)]), toY(points.features[size_t(2 * i + 1)])), radius,
                      radius);
    }
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(textColor(dark), 1));
    p.drawRect(plot);
    p.setFont(tick);
    for (double x : niceTicks(r.xMin, r.xMax, 5)) {
        p.drawLine(QPointF(toX(x), plot.bottom()), QPointF(toX(x), plot.bottom() + 4));
        p.drawText(QRectF(toX(x) - 40, plot.bottom() + 4, 80, fm.height()), Qt::AlignCenter, formatNumber(x));
    }
    for (double y : niceTicks(r.yMin, r.yMax, 5)) {
        p.drawLine(QPointF(plot.left() - 4, toY(y)), QPointF(plot.left(), toY(y)));
        p.drawText(QRectF(plot.left() - 6 - 60, toY(y) - fm.height() / 2.0, 60, fm.height()),
                   Qt::AlignRight | Qt::AlignVCenter, formatNumber(y));
    }
    p.setFont(label);
    p.drawText(QRectF(plot.left(), plot.bottom() + 6 + fm.height(), plot.width(), lm.height()), Qt::AlignCenter,
               QString::fromStdString(r.xName));
    p.save();
    p.translate(area.left() + 2, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, 0, plot.height(), lm.height()), Qt::AlignCenter, QString::fromStdString(r.yName));
    p.restore();
    // Legend: one swatch per class.
    p.setFont(tick);
    qreal lx = plot.left() + 8;
    for (int c = 0; c < points.numClasses(); ++c) {
        const QString name = QString::fromStdString(points.classNames[size_t(c)]);
        const qreal w = fm.horizontalAdvance(name) + 22;
        const QRectF box(lx, plot.top() + 6, w, fm.height() + 4);
        p.fillRect(box, QColor(bg.red(), bg.green(), bg.blue(), 200));
        p.setBrush(seriesColor(c, dark));
        p.setPen(Qt::NoPen);
        p.drawEllipse(QPointF(box.left() + 8, box.center().y()), 4, 4);
        p.setPen(textColor(dark));
        p.drawText(box.adjusted(16, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, name);
        lx += w + 6;
    }
    p.restore();
}

} // namespace tw::ui
