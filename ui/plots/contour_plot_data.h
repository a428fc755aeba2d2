#pragma once
// What a contour plot shows besides its grid: the completed trials at their x
// and y values, the best one, the title and the objective. Shared by the
// contour view and `tw contour --out` (tw-plot), so both draw the same plot.
#include "plots/contour_renderer.h"
#include "study/trial.h"

#include <string>
#include <vector>

namespace tw::ui {

/// The plot of `grid`: every Complete trial with a finite value as a point,
/// the best of them (ties: the lowest number) ringed, the running trials
/// (not those of a process that died) and the failed ones (not those stopped
/// or abandoned) for the acquisition and failure panels; title
/// "<study>: <x> × <y>" ("<x> × <y>" without a study name).
ContourPlotData makeContourPlotData(const analysis::Grid2D& grid, const std::vector<study::Trial>& trials,
                                    study::Direction direction, const std::string& studyName,
                                    const std::string& objectiveName = "objective");

} // namespace tw::ui
