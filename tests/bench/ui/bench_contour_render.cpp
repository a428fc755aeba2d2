// What the contour view's panels cost: the study model the fitter builds
// (the AcquisitionModel, with and without the GP sampler's proposal), one
// pair's grids with the acquisition and feasibility added, and painting the
// smooth heat maps (the grids resampled to the display's pixels, contour
// lines on a 4x finer field) at the window's size.
//
//   QT_QPA_PLATFORM=offscreen build/tests/bench_contour_render [observations] [repetitions]
//
// The history is Hartmann6 at quasi-random points (seed 1), recorded as a GP
// study past its initial trials, with every tenth trial failed (so that all
// four panels draw). Prints one JSON line, times in milliseconds (median and
// p95). A new plot on the window's thread (heat maps computed, contour lines
// traced by the view's worker beside the grids) should stay under 50 ms, a
// move of the pointer under 16 ms.
#include "bench/bench_timing.h"
#include "analysis/grid.h"
#include "bench/benchmark.h"
#include "bench/functions.h"
#include "plots/contour_field.h"
#include "plots/contour_plot_data.h"
#include "plots/contour_renderer.h"
#include "plots/study_model.h"

#include <QApplication>
#include <QImage>
#include <QPainter>
#include <QPixmap>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>

using namespace tw;


int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 200;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 20;
    if (n < 10 || reps < 1) {
        std::cerr << "usage: bench_contour_render [observations >= 10] [repetitions >= 1]\n";
        return 2;
    }
    const auto& fn = bench::testFunction("hartmann6");
    std::vector<study::Trial> trials = bench::quasiRandomHistory(fn, n);
    for (size_t i = 9; i < trials.size(); i += 10) {
        trials[i].state = study::TrialState::Failed;
        trials[i].value.reset();
        trials[i].reason = "diverged";
    }
    sampler::SamplerConfig config;
    config.seed = 1;

    // The fitter's work: the model alone, and with the proposal beside it.
    std::vector<double> modelOnly, withProposal;
    ui::StudyModel model;
    for (int r = 0; r < std::max(1, reps / 4); ++r) {
        auto t0 = std::chrono::steady_clock::now();
        model = ui::buildStudyModel(fn.space, study::Direction::Minimize, config, trials, false);
        modelOnly.push_back(bench::msSince(t0));
        t0 = std::chrono::steady_clock::now();
        model = ui::buildStudyModel(fn.space, study::Direction::Minimize, config, trials, true);
        withProposal.push_back(bench::msSince(t0));
    }
    if (!model.model || !model.choosing || !model.next) {
        std::cerr << "bench_contour_render: no model or no proposal\n";
        return 1;
    }
    const auto fixed = analysis::defaultFixedValues(fn.space, trials, study::Direction::Minimize);
    const std::string x = space::nameOf(fn.space[0]), y = space::nameOf(fn.space[1]);

    // One pair's grids: the posterior, then the acquisition and feasibility on the same points.
    std::vector<double> posterior, acquisition;
    analysis::Grid2D grid;
    for (int r = 0; r < reps; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        grid = analysis::contour(*model.surrogate, x, y, fixed, 50);
        posterior.push_back(bench::msSince(t0));
        t0 = std::chrono::steady_clock::now();
        analysis::addAcquisition(grid, fn.space, *model.model);
        acquisition.push_back(bench::msSince(t0));
    }

    // Painting: the window's contour canvas (about 1060 x 710), four panels.
    ui::ContourPlotData d = ui::makeContourPlotData(grid, trials, study::Direction::Minimize, "hartmann6", "value");
    d.panels = {ui::ContourPanel::Mean, ui::ContourPanel::StandardError, ui::ContourPanel::Acquisition,
                ui::ContourPanel::Failure};
    d.next = std::make_pair((*model.next)[0], (*model.next)[1]);
    // The parts of a panel: its heat map (one panel of the 2 x 2 layout,
    // about 360 x 250 px) and its contour lines (the 197 x 197 field, 8 levels).
    std::vector<double> heatMs, fieldMs, linesMs;
    {
        ui::AxisNodes nx, ny;
        for (size_t k = 0; k < grid.x.values.size(); ++k) nx.frac.push_back(double(k) / (grid.x.values.size() - 1));
        for (size_t k = 0; k < grid.y.values.size(); ++k) ny.frac.push_back(double(k) / (grid.y.values.size() - 1));
        const double lo = grid.mean.minCoeff(), hi = grid.mean.maxCoeff();
        for (int r = 0; r < reps; ++r) {
            auto t0 = std::chrono::steady_clock::now();
            const QImage heat = ui::heatImage(grid.mean, nx, ny, 360, 250, [&](double v) {
                return qRgb(int(255 * (v - lo) / (hi - lo)), 0, 0);
            });
            heatMs.push_back(bench::msSince(t0));
            t0 = std::chrono::steady_clock::now();
            const auto f = ui::evenFractions(197);
            const Eigen::MatrixXd fine = ui::resampleGrid(grid.mean, nx, ny, f, f);
            fieldMs.push_back(bench::msSince(t0));
            t0 = std::chrono::steady_clock::now();
            int elements = 0;
            for (int k = 1; k <= 8; ++k) elements += ui::contourPath(fine, f, f, lo + (hi - lo) * k / 9).elementCount();
            linesMs.push_back(bench::msSince(t0));
            if (heat.isNull() || elements < 0) return 1;
        }
    }

    // The contour view's worker traces the four panels' lines beside the grids.
    std::vector<double> tracing;
    for (int r = 0; r < reps; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        d.lines.clear();
        for (const auto panel : d.panels) d.lines[panel] = ui::panelContourLines(grid, panel, d.acquisitionName);
        tracing.push_back(bench::msSince(t0));
    }
    ui::ContourPlotData bare = d;  // an export's: the lines traced when painted
    bare.lines.clear();

    const QSize size(1060, 710);
    std::vector<double> traced, cold, resized, hover, cold2x;
    for (int r = 0; r < reps; ++r) {
        // A new plot (a slider moved, a trial finished): every heat map and line computed.
        const ui::ContourRenderer renderer(d);
        QImage image(size, QImage::Format_ARGB32_Premultiplied);
        auto t0 = std::chrono::steady_clock::now();
        {
            QPainter p(&image);
            renderer.paint(p, QRectF(QPointF(0, 0), QSizeF(size)));
        }
        cold.push_back(bench::msSince(t0));
        {
            const ui::ContourRenderer untraced(bare);
            QImage other(size, QImage::Format_ARGB32_Premultiplied);
            t0 = std::chrono::steady_clock::now();
            QPainter p(&other);
            untraced.paint(p, QRectF(QPointF(0, 0), QSizeF(size)));
            p.end();
            traced.push_back(bench::msSince(t0));
        }
        // The window resized: heat maps again at the new size, the lines kept.
        const QSize other = size - QSize(40, 30);
        QImage smaller(other, QImage::Format_ARGB32_Premultiplied);
        t0 = std::chrono::steady_clock::now();
        {
            QPainter p(&smaller);
            renderer.paint(p, QRectF(QPointF(0, 0), QSizeF(other)));
        }
        resized.push_back(bench::msSince(t0));
        // The pointer moved: the canvas draws its picture and the marks (ContourCanvas).
        const QPixmap picture = QPixmap::fromImage(image);
        QImage screen(size, QImage::Format_ARGB32_Premultiplied);
        t0 = std::chrono::steady_clock::now();
        {
            QPainter p(&screen);
            p.drawPixmap(0, 0, picture);
            renderer.paintCursor(p, QRectF(QPointF(0, 0), QSizeF(size)), QPointF(0.4, 0.6));
        }
        hover.push_back(bench::msSince(t0));
        // A high-density screen: twice the pixels each way.
        const ui::ContourRenderer hidpi(d);
        QImage big(size * 2, QImage::Format_ARGB32_Premultiplied);
        big.setDevicePixelRatio(2.0);
        t0 = std::chrono::steady_clock::now();
        {
            QPainter p(&big);
            hidpi.paint(p, QRectF(QPointF(0, 0), QSizeF(size)));
        }
        cold2x.push_back(bench::msSince(t0));
    }

    nlohmann::json out = {{"observations", n},
                          {"failed", model.model->failedCount()},
                          {"model_ms", bench::timingStats(modelOnly)},
                          {"model_and_proposal_ms", bench::timingStats(withProposal)},
                          {"grid_posterior_50x50_ms", bench::timingStats(posterior)},
                          {"grid_acquisition_feasibility_50x50_ms", bench::timingStats(acquisition)},
                          {"panel_heat_map_360x250_ms", bench::timingStats(heatMs)},
                          {"panel_field_197x197_ms", bench::timingStats(fieldMs)},
                          {"panel_lines_8_levels_ms", bench::timingStats(linesMs)},
                          {"lines_4_panels_off_thread_ms", bench::timingStats(tracing)},
                          {"paint_4_panels_new_plot_ms", bench::timingStats(cold)},
                          {"paint_4_panels_lines_traced_when_painted_ms", bench::timingStats(traced)},
                          {"paint_4_panels_resized_ms", bench::timingStats(resized)},
                          {"paint_4_panels_hover_ms", bench::timingStats(hover)},
                          {"paint_4_panels_new_plot_2x_ms", bench::timingStats(cold2x)}};
    std::cout << out.dump() << std::endl;
    return 0;
}
