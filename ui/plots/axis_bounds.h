#pragma once
// The values an axis can possibly show: an accuracy, F1 or R² is at most 1, a
// probability or an accuracy at least 0, a loss never below 0. Charts keep
// their value axes within them, even after rounding to nice numbers.
#include <limits>

class QValueAxis;

namespace tw::ui {

struct ValueBounds {
    double lowest = -std::numeric_limits<double>::infinity();
    double highest = std::numeric_limits<double>::infinity();
    bool operator==(const ValueBounds&) const = default;
};

/// Sets `axis` to [lo, hi] (already padded by the caller) rounded to nice
/// numbers, then cut to `bounds`. An empty range after the cut becomes a
/// small one inside the bounds.
void setBoundedRange(QValueAxis* axis, double lo, double hi, const ValueBounds& bounds);

} // namespace tw::ui
