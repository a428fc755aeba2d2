#include "plots/axis_bounds.h"

#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace tw::ui {

void setBoundedRange(QValueAxis* axis, double lo, double hi, const ValueBounds& bounds)
{
    lo = std::max(lo, bounds.lowest);
    hi = std::min(hi, bounds.highest);
    if (!(lo < hi)) {
        // Every value at a bound (an accuracy of 1 everywhere): a sliver below or above it.
        const double pad = std::max(std::abs(hi) * 0.05, 1e-3);
        if (hi >= bounds.highest) lo = hi - pad;
        else hi = lo + pad;
    }
    axis->setRange(lo, hi);
    axis->applyNiceNumbers();
    const double min = std::max(axis->min(), bounds.lowest), max = std::min(axis->max(), bounds.highest);
    if (min != axis->min() || max != axis->max()) axis->setRange(min, max);
}

} // namespace tw::ui
