// How responsive the window stays. A 5 ms timer probe on the GUI thread
// records the gaps between its ticks; a stall is a gap minus the interval.
//   1. While a study trains (the spirals, 15 trials): longest stall and p99.
//   2. Stop during training: how long until the running trial has ended.
//   3. With a 1,000-trial study open: the time to open it, then the longest
//      stall while the views refresh, the GP is refitted on 1,000 trials,
//      the contour view recomputes, the table scrolls and the pages switch.
// Usage: bench_gui_stall [--trials N] [--big-only | --stop-only]   (QT_QPA_PLATFORM=offscreen works)
#include "main_window.h"

#include "plots/contour_view.h"
#include "run/study_controller.h"
#include "run/trial_table_view.h"
#include "setup/setup_panel.h"
#include "study/study.h"
#include "bench/benchmark.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QScrollBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

using namespace tw;

namespace {

class Probe {
public:
    explicit Probe(int intervalMs) : _interval(intervalMs)
    {
        _timer.setTimerType(Qt::PreciseTimer);
        _timer.setInterval(intervalMs);
        QObject::connect(&_timer, &QTimer::timeout, [this] {
            const double now = _clock.nsecsElapsed() / 1e6;
            if (_last >= 0) _gaps.push_back(std::max(0.0, now - _last - _interval));
            _last = now;
        });
    }
    void start() { _gaps.clear(); _last = -1; _clock.start(); _timer.start(); }
    void stop() { _timer.stop(); }
    double max() const { return _gaps.empty() ? 0 : *std::max_element(_gaps.begin(), _gaps.end()); }
    double quantile(double q) const
    {
        if (_gaps.empty()) return 0;
        auto g = _gaps;
        std::sort(g.begin(), g.end());
        return g[size_t(q * double(g.size() - 1))];
    }
    size_t ticks() const { return _gaps.size(); }

private:
    int _interval;
    QTimer _timer;
    QElapsedTimer _clock;
    double _last = -1;
    std::vector<double> _gaps;
};

void spin(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) QApplication::processEvents(QEventLoop::AllEvents, 5);
}

/// A finished 1,000-trial study in 6 parameters with learning curves and metrics.
void writeBigStudy(const QString& path, int n)
{
    study::StudyConfig c;
    c.name = "big";
    c.space = space::SearchSpace({space::FloatParam{"learning_rate", 1e-5, 1e-1, true, std::nullopt},
                                  space::FloatParam{"dropout", 0.0, 0.6, false, std::nullopt},
                                  space::IntParam{"units", 8, 512, true},
                                  space::IntParam{"hidden_layers", 1, 6, false},
                                  space::FloatParam{"weight_decay", 1e-6, 1e-2, true, std::nullopt},
                                  space::CategoricalParam{"optimizer", {std::string("sgd"), std::string("adam"),
                                                                        std::string("rmsprop")}}});
    c.direction = study::Direction::Maximize;
    c.sampler.name = "qmc";
    c.sampler.seed = 1;
    nlohmann::json spec = nlohmann::json::parse(R"({"name": "big", "dataset": {"builtin": "spirals"},
        "objective": {"metric": "accuracy"}, "budget": {"trials": 1000}})");
    spec["search_space"] = c.space.toJson();
    c.userAttrs = {{"spec", spec}};
    auto st = study::Study::createFile(path.toStdString(), c);
    std::mt19937 rng(7);
    std::normal_distribution<double> noise(0.0, 0.01);
    for (int i = 0; i < n; ++i) {
        const auto t = st->ask();
        const double lr = std::log10(t.params[0]);
        const double v = 0.9 - 0.02 * (lr + 2.5) * (lr + 2.5) - 0.1 * t.params[1] * t.params[1] + noise(rng);
        nlohmann::json curve = nlohmann::json::array();
        for (int e = 1; e <= 20; ++e)
            curve.push_back({{"epoch", e}, {"train_loss", 1.0 / e}, {"validation", {{"accuracy", v * (1 - 0.5 / e)}}}});
        st->setUserAttrs(t.number, {{"curve", curve}, {"metrics", {{"accuracy", v}, {"loss", 1 - v}}}, {"device", "cpu"}});
        st->tell(t.number, study::Outcome::complete(v));
    }
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Tuning Workbench Bench");
    int trials = 15;
    bool onlyBig = false, stopOnly = false;
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--trials" && i + 1 < argc) trials = std::atoi(argv[i + 1]);
        if (std::string(argv[i]) == "--big-only") onlyBig = true;
        if (std::string(argv[i]) == "--stop-only") onlyBig = stopOnly = true;
    }
    QTemporaryDir dir;
    Probe probe(5);

    // ---- 1. a study training --------------------------------------------------
    if (!onlyBig) {
        ui::MainWindow w;
        w.resize(1400, 900);
        w.show();
        nlohmann::json j = nlohmann::json::parse(R"({
          "name": "spirals-bench", "dataset": {"builtin": "spirals"},
          "model": {"family": "mlp", "hidden_layers": 2, "units": 32},
          "training": {"optimizer": "adam", "batch_size": 32, "epochs": 30, "seed": 1},
          "objective": {"metric": "accuracy"},
          "search_space": {"parameters": [
            {"name": "learning_rate", "type": "float", "low": 1e-4, "high": 1e-1, "log": true},
            {"name": "units", "type": "int", "low": 8, "high": 128, "log": true},
            {"name": "hidden_layers", "type": "int", "low": 1, "high": 4},
            {"name": "activation", "type": "categorical", "choices": ["relu", "tanh"]}]}})");
        j["budget"] = {{"trials", trials}};
        w.setupPanel()->setSpec(train::StudySpec::fromJson(j, "bench.json"));
        QElapsedTimer clock;
        clock.start();
        probe.start();
        spin(20);
        if (!w.runStudy(dir.filePath("train.study"))) {
            std::fprintf(stderr, "cannot run: %s\n", qPrintable(w.lastError()));
            return 1;
        }
        // Look at the contour page part of the time, as a user would.
        int tick = 0;
        while (w.controller()->running()) {
            spin(500);
            w.tabs()->setCurrentIndex(++tick % 4 == 0 ? ui::MainWindow::ContoursTab : ui::MainWindow::MonitorTab);
        }
        spin(300);
        probe.stop();
        std::printf("training %d trials (%.1f s, %zu probe ticks): longest GUI stall %.1f ms, p99 %.1f ms, "
                    "p50 %.2f ms\n",
                    trials, clock.elapsed() / 1000.0, probe.ticks(), probe.max(), probe.quantile(0.99),
                    probe.quantile(0.5));
    }

    // ---- 2. how fast Stop ends a running trial -----------------------------
    if (!onlyBig || stopOnly) {
        const char* specs[] = {"spirals.json", "fashion-mnist-cnn.json"};
        for (const char* name : specs) {
            ui::MainWindow w;
            w.show();
            QElapsedTimer load;
            load.start();
            if (!w.openSpec(QString(TW_SOURCE_DIR "/resources/examples/") + name)) {
                std::fprintf(stderr, "cannot open %s: %s\n", name, qPrintable(w.lastError()));
                continue;
            }
            std::printf("Opening the setup %s (its data read for the preview, on the window's thread): %.0f ms\n",
                        name, load.nsecsElapsed() / 1e6);
            std::vector<double> latencies;
            for (int rep = 0; rep < 5; ++rep) {
                auto spec = w.setupPanel()->spec();
                spec.training.epochs = 100000;
                spec.training.patience = 0;
                w.setupPanel()->setSpec(spec);
                if (!w.runStudy(dir.filePath(QString("stop-%1-%2.study").arg(name).arg(rep)))) {
                    std::fprintf(stderr, "cannot run: %s\n", qPrintable(w.lastError()));
                    return 1;
                }
                // Stop once the trial is training (after its second epoch).
                while (w.controller()->runningEpochs().size() < 2) spin(5);
                QElapsedTimer stop;
                stop.start();
                w.stop();
                while (w.controller()->running()) spin(1);
                latencies.push_back(stop.nsecsElapsed() / 1e6);
            }
            std::printf("Stop during training (%s, 5 runs): the trial ended after median %.0f ms, at most %.0f ms\n",
                        name, bench::median(latencies), *std::max_element(latencies.begin(), latencies.end()));
        }
    }

    // ---- 3. a 1,000-trial study ----------------------------------------------
    if (!stopOnly) {
        const QString path = dir.filePath("big.study");
        writeBigStudy(path, 1000);
        ui::MainWindow w;
        w.resize(1400, 900);
        w.show();
        QElapsedTimer clock;
        clock.start();
        if (!w.openFile(path)) {
            std::fprintf(stderr, "cannot open: %s\n", qPrintable(w.lastError()));
            return 1;
        }
        const double openMs = clock.nsecsElapsed() / 1e6;
        std::vector<std::pair<const char*, double>> phases;
        probe.start();
        // Wait for the GP fitted on 1,000 trials while the GUI keeps ticking.
        clock.restart();
        while (!w.surrogate() && clock.elapsed() < 120000) spin(20);
        const double fitMs = clock.nsecsElapsed() / 1e6;
        spin(500);
        phases.emplace_back("waiting for the GP fit", probe.max());
        // Each phase starts with the probe ticking, so that the phase's first,
        // synchronous step shows as a gap.
        auto restart = [&probe] {
            probe.start();
            spin(20);
        };
        restart();
        w.tabs()->setCurrentIndex(ui::MainWindow::ContoursTab);
        spin(1000);
        phases.emplace_back("contour page", probe.max());
        restart();
        auto* table = w.trialTable()->table();
        w.tabs()->setCurrentIndex(ui::MainWindow::MonitorTab);
        for (int i = 0; i < 50; ++i) {
            table->verticalScrollBar()->setValue(i * table->verticalScrollBar()->maximum() / 50);
            spin(10);
        }
        phases.emplace_back("scrolling the table", probe.max());
        restart();
        table->sortByColumn(2, Qt::DescendingOrder);
        spin(200);
        phases.emplace_back("sorting the table", probe.max());
        static const char* pages[] = {"showing the Setup page", "showing the Monitor page",
                                      "showing the Contours page", "showing the Slice page",
                                      "showing the Importance page"};
        for (int t = 0; t < 5; ++t) {
            restart();
            w.tabs()->setCurrentIndex(t);
            spin(300);
            phases.emplace_back(pages[t], probe.max());
        }
        probe.stop();
        for (const auto& [name, ms] : phases) std::printf("  %s: longest stall %.1f ms\n", name, ms);
        double longest = 0;
        for (const auto& ph : phases) longest = std::max(longest, ph.second);
        std::printf("1000-trial study: opened in %.0f ms, GP fitted in the background in %.0f ms; longest GUI "
                    "stall afterwards %.1f ms\n",
                    openMs, fitMs, longest);
    }
    return 0;
}
