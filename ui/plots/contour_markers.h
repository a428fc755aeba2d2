#pragma once
// The markers of the contour plots (trials, the best one, running and failed
// trials, the next proposal, the pointer) and their legend. Each is drawn
// with a white halo so that it reads on every colour of the maps.
#include "plots/contour_renderer.h"

#include <QPointF>
#include <QString>

#include <utility>
#include <vector>

class QPainter;

namespace tw::ui {

enum class MarkerKind { Trial, Best, Running, Next, Failed, Cursor };

void drawMarker(QPainter& p, MarkerKind kind, const QPointF& centre, double scale = 1.0);
/// Many trial dots at once (a study has hundreds): on a raster device one
/// dot drawn at `pixelScale` device pixels per unit and copied to each
/// centre, on a vector device (SVG, PDF) each drawn.
void drawTrialDots(QPainter& p, const std::vector<QPointF>& centres, double pixelScale = 1.0);

/// The markers a plot shows, with their legend texts, in legend order.
std::vector<std::pair<MarkerKind, QString>> legendItems(const ContourPlotData& d);

} // namespace tw::ui
