#include "plots/contour_axes.h"

#include "plots/plot_export.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace tw::ui {

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

AxisMap::AxisMap(const analysis::Axis& a) : axis(a), n(int(a.values.size()))
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

double AxisMap::frac(double v) const
{
    if (axis.categorical)
        return (v + 0.5) / std::max(n, 1);
    return (u(v) - lo) / (hi - lo);
}

std::pair<double, double> AxisMap::span(int k) const
{
    if (axis.categorical)
        return {double(k) / n, double(k + 1) / n};
    const double c = frac(axis.values[size_t(k)]);
    const double a = k > 0 ? (c + frac(axis.values[size_t(k - 1)])) / 2 : 0.0;
    const double b = k + 1 < n ? (c + frac(axis.values[size_t(k + 1)])) / 2 : 1.0;
    return {std::clamp(a, 0.0, 1.0), std::clamp(b, 0.0, 1.0)};
}

int AxisMap::cellAt(double f) const
{
    for (int k = 0; k < n; ++k)
        if (const auto [a, b] = span(k); f >= a && f <= b) return k;
    return n - 1;
}

AxisNodes AxisMap::nodes() const
{
    AxisNodes out;
    out.bands = axis.categorical;
    for (int k = 0; k < n; ++k) out.frac.push_back(axis.categorical ? (k + 0.5) / n : frac(axis.values[size_t(k)]));
    return out;
}

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

QFont fontOf(int pixels, bool bold)
{
    QFont f;
    f.setPixelSize(pixels);
    f.setBold(bold);
    return f;
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

} // namespace tw::ui
