#include "plots/contour_plot_data.h"

#include "sampler/acquisition_model.h"
#include "study/study.h"

#include <algorithm>
#include <cmath>

namespace tw::ui {

ContourPlotData makeContourPlotData(const analysis::Grid2D& grid, const std::vector<study::Trial>& trials,
                                    study::Direction direction, const std::string& studyName,
                                    const std::string& objectiveName)
{
    ContourPlotData d;
    d.grid = grid;
    const bool minimize = direction == study::Direction::Minimize;
    if (grid.x.param >= 0 && grid.y.param >= 0) {
        const size_t xi = size_t(grid.x.param), yi = size_t(grid.y.param);
        const study::Trial* best = nullptr;
        for (const auto& t : trials) {
            if (t.state != study::TrialState::Complete || !t.value || !std::isfinite(*t.value)) continue;
            if (t.params.size() <= std::max(xi, yi)) continue;
            if (std::isnan(t.params[xi]) || std::isnan(t.params[yi])) continue; // inactive in its branch
            d.observed.emplace_back(t.params[xi], t.params[yi]);
            if (!best || (minimize ? *t.value < *best->value : *t.value > *best->value)) best = &t;
        }
        if (best) d.best = std::make_pair(best->params[xi], best->params[yi]);
        // What the acquisition reads besides the observations: the running
        // trials and the failed ones (not those stopped or abandoned).
        for (const auto& t : trials) {
            if (t.params.size() <= std::max(xi, yi) || std::isnan(t.params[xi]) || std::isnan(t.params[yi])) continue;
            if (t.state == study::TrialState::Running && !study::isOrphaned(t))
                d.pending.emplace_back(t.params[xi], t.params[yi]);
            else if (t.state == study::TrialState::Failed && !sampler::interruptedNotFailed(t))
                d.failed.emplace_back(t.params[xi], t.params[yi]);
        }
    }
    d.title = (studyName.empty() ? std::string() : studyName + ": ") + grid.x.name + " \u00d7 " + grid.y.name;
    d.objectiveName = objectiveName.empty() ? "objective" : objectiveName;
    d.minimize = minimize;
    return d;
}

} // namespace tw::ui
