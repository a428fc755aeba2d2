#pragma once
// A contour grid drawn smoothly: the grid's values resampled (separable cubic
// convolution between the grid nodes, bands along a categorical axis) to the
// display's pixels for the heat map, and to a finer grid whose marching
// squares give the contour lines. Plain functions of the grid, so that a
// benchmark can time them (tests/bench/ui/bench_contour_render).
#include "analysis/grid.h"

#include <QImage>
#include <QPainterPath>
#include <QRgb>

#include <functional>
#include <vector>

namespace tw::ui {

/// Values at least this large stand for infinity (the GP's output warp
/// answers DBL_MAX where it cannot be undone): past the end of a colour
/// scale, and never interpolated.
constexpr double kUnbounded = 1e300;

/// Where the nodes of an axis lie, as fractions of the plot's extent (0 at
/// the left or bottom edge); a categorical axis is a band per choice.
struct AxisNodes {
    std::vector<double> frac;  // one per grid value, increasing
    bool bands = false;        // categorical: constant within each band
};

/// z (rows follow y) at the points (fx[c], fy[r]) (fractions): a matrix of
/// fy.size() rows and fx.size() columns. Cubic (Catmull-Rom) between numeric
/// nodes (the line through the inner two where an outer one is missing or
/// unbounded), the nearest node where an inner one is.
Eigen::MatrixXd resampleGrid(const Eigen::MatrixXd& z, const AxisNodes& x, const AxisNodes& y,
                             const std::vector<double>& fx, const std::vector<double>& fy);

/// The heat map of z as an image of `width` x `height` pixels (row 0 at the
/// top, i.e. the largest y), each pixel coloured by `colour` of its
/// resampled value.
QImage heatImage(const Eigen::MatrixXd& z, const AxisNodes& x, const AxisNodes& y, int width, int height,
                 const std::function<QRgb(double)>& colour);

/// Marching squares over the nodes (px[i], py[j]) of z (rows follow py): the
/// segments where z crosses `level`.
QPainterPath contourPath(const Eigen::MatrixXd& z, const std::vector<double>& px, const std::vector<double>& py,
                         double level);

/// z as drawn: clamped to a colour range [lo, hi] (an unbounded value to its
/// end), so that no value far past the range makes the interpolation ring
/// (log EI next to a trial can be hundreds below the rest). NaN stays.
Eigen::MatrixXd clampedTo(Eigen::MatrixXd z, double lo, double hi);

/// `n` fractions evenly spread over [0, 1].
std::vector<double> evenFractions(int n);

} // namespace tw::ui
