#pragma once
// The axes of the contour plots: where a grid value lies on a plot (log
// scales, categorical bands), the tick values and labels, the caption of
// the fixed values. Internal to the contour renderer.
#include "analysis/grid.h"
#include "plots/contour_field.h"

#include <QFont>
#include <QString>

#include <utility>
#include <vector>

namespace tw::ui {

/// 1-2-5 steps covering [lo, hi] with about `target` ticks.
std::vector<double> niceTicks(double lo, double hi, int target);

/// Where the values of an axis go: a fraction of the plot's extent.
struct AxisMap {
    const analysis::Axis& axis;
    int n;
    double lo = 0.0, hi = 1.0;  // in the transformed (log10) scale

    explicit AxisMap(const analysis::Axis& a);
    double u(double v) const { return axis.log ? std::log10(v) : v; }
    double frac(double v) const;
    /// The cell of grid value k: from the midpoint to its left neighbour to the
    /// midpoint to its right one (bands for a categorical).
    std::pair<double, double> span(int k) const;
    /// The grid cell at fraction f.
    int cellAt(double f) const;
    /// The grid nodes as fractions (for the smooth heat map).
    AxisNodes nodes() const;
};

struct Tick {
    double frac;
    QString label;
};

std::vector<Tick> axisTicks(const AxisMap& m, int target);

QFont fontOf(int pixels, bool bold = false);

/// "Other parameters fixed at: optimizer = sgd.   15 observations."
QString fixedCaption(const analysis::Grid2D& g);

} // namespace tw::ui
