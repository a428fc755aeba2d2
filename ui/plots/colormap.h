#pragma once
// Colour maps of the plots.
#include <QColor>

namespace tw::ui {

/// Viridis at t in [0, 1] (clamped): dark purple at 0, yellow at 1. Grey for a
/// non-finite t.
QColor viridis(double t);
QRgb viridisRgb(double t);

/// A sequential white -> dark red map (ColorBrewer's Reds) for probabilities
/// of failure: near white at 0, dark red at 1. Grey for a non-finite t.
QColor reds(double t);
QRgb redsRgb(double t);

} // namespace tw::ui
