// The image output of `tw contour` (.svg, .png, .pdf), built into tw-plot only
// so that tw itself never loads Qt.
#include "cli/commands.h"

#include "analysis/grid.h"
#include "plots/contour_plot_data.h"
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
    ui::ContourPlotData d =
        ui::makeContourPlotData(grid, study.trials(), study.direction(), study.config().name, "objective");
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
