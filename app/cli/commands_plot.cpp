// The image output of `tw contour` (.svg, .png, .pdf), built into tw-plot only
// so that tw itself never loads Qt.
#include "cli/commands.h"

#include "analysis/grid.h"
#include "plots/contour_renderer.h"
#include "study/study.h"
#include "util/errors.h"

#include <QString>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

namespace tw::cli {

void writeContourImage(study::Study& study, const analysis::Grid2D& grid, const std::string& path)
{
    ui::ContourPlotData d;
    d.grid = grid;
    const auto xy = [&grid](const std::vector<double>& params) -> std::optional<std::pair<double, double>> {
        if (grid.x.param < 0 || grid.y.param < 0 || size_t(std::max(grid.x.param, grid.y.param)) >= params.size())
            return std::nullopt;
        return std::make_pair(params[size_t(grid.x.param)], params[size_t(grid.y.param)]);
    };
    for (const study::Trial& t : study.trials())
        if (t.state == study::TrialState::Complete && t.value && std::isfinite(*t.value))
            if (const auto p = xy(t.params))
                d.observed.push_back(*p);
    if (const auto best = study.bestTrial())
        d.best = xy(best->params);
    d.title = study.config().name + ": " + grid.x.name + " \u00d7 " + grid.y.name;
    d.objectiveName = "objective";
    d.minimize = study.direction() == study::Direction::Minimize;

    const ui::ContourRenderer renderer(std::move(d));
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const QString file = QString::fromStdString(path);
    const bool ok = ext == ".svg" ? renderer.saveSvg(file) : ext == ".pdf" ? renderer.savePdf(file)
                                                                           : renderer.savePng(file);
    if (!ok)
        throw IoError("cannot write " + path);
}

} // namespace tw::cli
