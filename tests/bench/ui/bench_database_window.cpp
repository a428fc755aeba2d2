// The window on a database study, against the same study in a file:
//   * open: File > Open database study of a study with N complete trials
//     (replayed from PostgreSQL, then every view drawn once: table, trace,
//     contour model requested), median of R opens;
//   * watch: a trial told by another connection (another worker) until the
//     window holds it and until its trial table shows it (the views redraw
//     on a ~100 ms tick), through LISTEN/NOTIFY (PostgreSQL) or
//     inotify (file), with the fallback poll set to 10 minutes so only the
//     change feed can bring it in time.
//
//   QT_QPA_PLATFORM=offscreen build/tests/bench_database_window [trials] [repetitions]
//
// Starts its own PostgreSQL server on a private socket (tests/core/pg_server.h);
// prints one JSON line per measurement, times in milliseconds.
#include "bench/bench_timing.h"
#include "core/pg_server.h"
#include "main_window.h"
#include "pg/pg_storage.h"
#include "run/study_controller.h"
#include "run/trial_table_model.h"
#include "run/trial_table_view.h"
#include "study/storage_backend.h"
#include "study/study.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <iostream>
#include <random>

using namespace tw;
using nlohmann::json;

namespace {

study::StudyConfig configFor()
{
    study::StudyConfig c;
    c.name = "window";
    c.space = space::SearchSpace::fromJson(json::parse(R"({"parameters": [
        {"name": "x0", "type": "float", "low": 0, "high": 1}, {"name": "x1", "type": "float", "low": 0, "high": 1},
        {"name": "x2", "type": "float", "low": 0, "high": 1}, {"name": "x3", "type": "float", "low": 0, "high": 1},
        {"name": "x4", "type": "float", "low": 0, "high": 1}]})"));
    c.sampler = sampler::SamplerConfig::fromJson(json{{"name", "random"}});
    return c;
}

/// study_created and `n` asked + told trials at random points, as a worker
/// would have written them (templates taken from a real memory study).
std::vector<json> studyEvents(int n)
{
    const study::StudyConfig c = configFor();
    auto mem = study::Study::createInMemory(c);
    const auto t = mem->ask();
    mem->tell(t.number, study::Outcome::complete(1.0));
    const auto& events = dynamic_cast<const study::MemoryStorage&>(mem->storage()).events();
    json asked = events[1], told = events[2];
    std::vector<json> out{events[0]};
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < n; ++i) {
        Eigen::VectorXd unit(c.space.encodedDim());
        for (Eigen::Index k = 0; k < unit.size(); ++k) unit[k] = u(rng);
        asked["number"] = i;
        asked["params"] = c.space.valuesToJson(c.space.fromUnit(unit));
        told["number"] = i;
        told["value"] = unit.squaredNorm();
        out.push_back(asked);
        out.push_back(told);
    }
    return out;
}

void write(study::Storage& to, const std::vector<json>& events)
{
    to.transact(true, [](const json&, long) {}, [&events] { return events; });
}

/// Milliseconds to open the study in a window and draw every view once.
double openOnce(const std::function<bool(ui::MainWindow&)>& open)
{
    ui::MainWindow w;
    w.resize(1280, 860);
    QElapsedTimer t;
    t.start();
    if (!open(w)) throw std::runtime_error(w.lastError().toStdString());
    w.refreshViews();
    return double(t.nsecsElapsed()) / 1e6;
}

/// Milliseconds from another worker's tell until the window's controller
/// holds the trial (`study`: the change feed, the replay of the new events
/// and the queued signal) and until the trial table shows it (`table`: plus
/// the wait for the views' next ~100 ms redraw tick).
struct Latency {
    std::vector<double> study, table;
};
Latency watchLatency(ui::MainWindow& w, study::Study& other, int reps)
{
    Latency out;
    const ui::TrialTableModel* model = w.trialTable()->model();
    std::mt19937 rng(11);
    for (int r = 0; r < reps; ++r) {
        // Told at a random phase of the redraw timer, as another machine would.
        QElapsedTimer pause;
        pause.start();
        const int ms = int(rng() % 100);
        while (pause.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        const int before = model->rowCount();
        const size_t seen = w.controller()->trials()->size();
        const auto t = other.ask();
        other.tell(t.number, study::Outcome::complete(0.5));
        QElapsedTimer clock;
        clock.start();
        double inStudy = -1;
        while (model->rowCount() <= before && clock.elapsed() < 60000) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            const auto trials = w.controller()->trials();
            if (inStudy < 0 && trials->size() > seen && trials->back().state == study::TrialState::Complete)
                inStudy = double(clock.nsecsElapsed()) / 1e6;
        }
        out.table.push_back(double(clock.nsecsElapsed()) / 1e6);
        out.study.push_back(inStudy < 0 ? out.table.back() : inStudy);
    }
    return out;
}

json latencyJson(const Latency& l)
{
    return {{"in_window_study", bench::timingStats(l.study)}, {"in_trial_table", bench::timingStats(l.table)}};
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
    const int reps = argc > 2 ? std::atoi(argv[2]) : 5;
    if (n < 1 || reps < 1) {
        std::cerr << "usage: bench_database_window [trials >= 1] [repetitions >= 1]\n";
        return 2;
    }
    pg::registerBackend();
    PgServer server;
    if (!server.ok()) {
        std::cout << json{{"skipped", "no PostgreSQL server: " + server.error()}}.dump() << "\n";
        return 0;
    }
    QTemporaryDir dir;
    const QString url = QString::fromStdString(server.url());
    const QString file = dir.filePath("big.study");
    const std::vector<json> events = studyEvents(n);
    {
        auto backend = study::connectBackend(server.url());
        write(*backend->study("big", study::StorageBackend::Mode::Create), events);
        study::JournalStorage f(file.toStdString(), study::JournalStorage::Mode::Create);
        write(f, events);
    }

    std::vector<double> pgOpen, fileOpen;
    for (int r = 0; r < reps; ++r) {
        pgOpen.push_back(openOnce([&](ui::MainWindow& w) { return w.openDatabaseStudy(url, "big"); }));
        fileOpen.push_back(openOnce([&](ui::MainWindow& w) { return w.openStudy(file); }));
    }
    std::cout << json{{"measure", "open_in_window"}, {"trials", n},
                      {"postgresql_ms", bench::timingStats(pgOpen)}, {"file_ms", bench::timingStats(fileOpen)}}
                     .dump()
              << std::endl;

    // Watching: a small study, another worker on its own connection / file handle.
    const int watchReps = std::max(20, reps * 4);
    json watch = {{"measure", "other_worker_to_window_table"}, {"trials_told", watchReps}};
    {
        auto backend = study::connectBackend(server.url());
        write(*backend->study("watched", study::StorageBackend::Mode::Create), studyEvents(10));
        const QString small = dir.filePath("watched.study");
        study::JournalStorage f(small.toStdString(), study::JournalStorage::Mode::Create);
        write(f, studyEvents(10));

        ui::MainWindow w;
        w.controller()->setWatchPollSeconds(600);
        if (!w.openDatabaseStudy(url, "watched")) throw std::runtime_error(w.lastError().toStdString());
        auto other = study::Study::open(backend->study("watched", study::StorageBackend::Mode::Open));
        watch["postgresql_listen_notify_ms"] = latencyJson(watchLatency(w, *other, watchReps));
        w.controller()->close();

        ui::MainWindow v;
        v.controller()->setWatchPollSeconds(600);
        if (!v.openStudy(small)) throw std::runtime_error(v.lastError().toStdString());
        auto writer = study::Study::openFile(small.toStdString());
        watch["file_inotify_ms"] = latencyJson(watchLatency(v, *writer, watchReps));
        v.controller()->close();
    }
    std::cout << watch.dump() << std::endl;
    return 0;
}
