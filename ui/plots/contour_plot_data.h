#pragma once
// What a contour plot shows besides its grid: the completed trials at their x
// and y values, the best one, the title and the objective; with a study's
// model, its grids and which panels it adds (the acquisition with the next
// proposal, P(failure)). Shared by the contour view and `tw contour --out`
// (tw-plot), so both draw the same plot.
#include "plots/contour_renderer.h"
#include "plots/study_model.h"
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

/// Whether the grids of `m` need its acquisition and feasibility: the model
/// chooses the next trial, or trials failed (the P(failure) panel).
bool wantsAcquisition(const StudyModel& m);

/// The grid of a pair as the contour plots show it: the posterior of `m`
/// and, with `acquisition`, the feasibility and (only while m.choosing: it
/// is then what picks the next trial) the acquisition. Any thread may call
/// it; throws what analysis::contour throws.
analysis::Grid2D modelGrid(const StudyModel& m, const std::string& x, const std::string& y,
                           const std::vector<double>& fixed, int resolution, bool acquisition);

/// The plot of a grid of `m` (modelGrid): the plot above, then the
/// acquisition panel when m chooses and the grid has it, with the next
/// proposal marked (nextElsewhere names its values that differ from
/// `fixed`, the cut's), and the P(failure) panel when trials failed. What
/// the window shows and `tw contour --out FILE.png` draws.
ContourPlotData makeContourPlotData(const analysis::Grid2D& grid, const std::vector<study::Trial>& trials,
                                    study::Direction direction, const std::string& studyName,
                                    const std::string& objectiveName, const StudyModel& m,
                                    const std::vector<double>& fixed);

} // namespace tw::ui
