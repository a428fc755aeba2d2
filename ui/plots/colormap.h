#pragma once
// Colour maps of the plots.
#include <QColor>

namespace tw::ui {

/// Viridis at t in [0, 1] (clamped): dark purple at 0, yellow at 1. Grey for a
/// non-finite t.
QColor viridis(double t);

} // namespace tw::ui
