// The image output of `tw contour` (.svg, .png, .pdf), built into tw-plot only
// so that tw itself never loads Qt. It draws what the window's contour view
// shows, with the same code: the study's model (ui::buildStudyModel), its
// grid (ui::modelGrid) and panels (ui::makeContourPlotData).
#include "cli/commands.h"

#include "analysis/grid.h"
#include "plots/contour_plot_data.h"
#include "plots/contour_renderer.h"
#include "plots/study_model.h"
#include "study/study.h"
#include "util/errors.h"

#include <QString>

#include <algorithm>

namespace tw::cli {

namespace {

/// Why a panel asked for by --panels is not drawn.
std::string whyNot(ui::ContourPanel panel, const ui::StudyModel& m, const study::Study& study)
{
    const std::string name = contourPanelNames()[size_t(panel)];
    if (panel == ui::ContourPanel::Failure)
        return "--panels: '" + name + "' maps P(failure) once trials have failed (the study has none)";
    const auto& sampler = study.config().sampler;
    if (sampler.name != "gp")
        return "--panels: '" + name + "' is the acquisition of the GP sampler that chooses the next trial; "
               "this study's sampler is '" + sampler.name + "'";
    return "--panels: '" + name + "' is drawn once the GP chooses, after the sampler's " +
           std::to_string(m.initialTrials) + " initial trials (the study has " + std::to_string(m.number) + ")";
}

} // namespace

bool writeContourImage(study::Study& study, const ContourImageRequest& request, analysis::Grid2D& drawn)
{
    const auto trials = study.trials();
    const auto& config = study.config();
    std::vector<ui::ContourPanel> asked;
    const auto& names = contourPanelNames();
    for (const std::string& name : request.panels) {
        const auto at = std::find(names.begin(), names.end(), name);
        if (at == names.end())
            throw usageError("--panels: '" + name + "' is not a panel");
        asked.push_back(ui::ContourPanel(at - names.begin()));
    }
    // The next proposal (a fit and an optimization more) only for the acquisition panel.
    const bool suggest = asked.empty() || std::count(asked.begin(), asked.end(), ui::ContourPanel::Acquisition);
    const ui::StudyModel m = ui::buildStudyModel(study.space(), study.direction(), config.sampler, trials, suggest);
    if (!m.surrogate)
        return false;
    drawn = ui::modelGrid(m, request.x, request.y, request.fixed, request.resolution, ui::wantsAcquisition(m));
    ui::ContourPlotData d =
        ui::makeContourPlotData(drawn, trials, study.direction(), config.name, "objective", m, request.fixed);
    if (!asked.empty()) {
        for (const ui::ContourPanel p : asked)
            if (std::find(d.panels.begin(), d.panels.end(), p) == d.panels.end())
                throw failure(whyNot(p, m, study));
        d.panels = asked;
    }
    const ui::ContourRenderer renderer(std::move(d));
    QString error;
    if (!renderer.save(QString::fromStdString(request.out), &error))
        throw IoError(error.toStdString());
    return true;
}

} // namespace tw::cli
