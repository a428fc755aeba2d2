#include "plots/contour_plot_data.h"

#include "plots/plot_export.h"
#include "sampler/acquisition_model.h"
#include "study/study.h"

#include <QObject>
#include <QStringList>

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

bool wantsAcquisition(const StudyModel& m)
{
    return m.model && (m.choosing || m.model->failedCount() > 0);
}

analysis::Grid2D modelGrid(const StudyModel& m, const std::string& x, const std::string& y,
                           const std::vector<double>& fixed, int resolution, bool acquisition)
{
    analysis::Grid2D g = analysis::contour(*m.surrogate, x, y, fixed, resolution);
    if (acquisition && m.model) {
        analysis::addAcquisition(g, m.surrogate->space(), *m.model);
        if (!m.choosing) g.acquisition.resize(0, 0);  // not what picks the next trial
    }
    return g;
}

ContourPlotData makeContourPlotData(const analysis::Grid2D& g, const std::vector<study::Trial>& trials,
                                    study::Direction direction, const std::string& studyName,
                                    const std::string& objectiveName, const StudyModel& m,
                                    const std::vector<double>& fixedValues)
{
    ContourPlotData d = makeContourPlotData(g, trials, direction, studyName, objectiveName);
    d.acquisitionName = m.acquisition;
    if (!m.surrogate) return d;
    const space::SearchSpace& space = m.surrogate->space();
    if (m.choosing && g.acquisition.size() > 0) {
        d.panels.push_back(ContourPanel::Acquisition);
        if (m.next && m.next->size() == space.size() && g.x.param >= 0 && g.y.param >= 0) {
            const auto& next = *m.next;
            d.next = std::make_pair(next[size_t(g.x.param)], next[size_t(g.y.param)]);
            // Where the proposal's other values differ from the cut's, the
            // star is its projection: the legend says where it lies.
            QStringList elsewhere;
            const auto fixed = analysis::completeFixedValues(space, fixedValues);
            for (size_t i = 0; i < space.size(); ++i) {
                if (int(i) == g.x.param || int(i) == g.y.param || std::isnan(next[i])) continue;
                if (formatParamValue(space, i, next[i]) != formatParamValue(space, i, fixed[i]))
                    elsewhere << QString::fromStdString(space::nameOf(space[i])) + " = " +
                                     formatParamValue(space, i, next[i]);
            }
            d.nextElsewhere = elsewhere.size() <= 2
                                  ? elsewhere.join(", ").toStdString()
                                  : QObject::tr("%1 other values of its own").arg(elsewhere.size()).toStdString();
        }
    }
    if (m.model && m.model->failedCount() > 0 && g.feasible.size() > 0) d.panels.push_back(ContourPanel::Failure);
    return d;
}

} // namespace tw::ui
