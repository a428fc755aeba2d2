// Study storage under load: PostgreSQL (a URL) against the journal file (a
// folder, one study file per study), one JSON line per measurement on stdout.
// tests/bench/bench_storage.py runs every mode on a private server and puts
// the figures beside Optuna's RDBStorage (README "Performance").
//
//   bench_storage throughput --storage URL|DIR --workers W --trials N
//       ask + tell round trips per second: W threads, each with its own
//       Study object (its own connection or file descriptor), random
//       sampler, N trials in all.
//   bench_storage scaling --storage URL|DIR [--sizes 100,1000,10000] [--probes K]
//       bookkeeping per trial: for each size a study is filled with that
//       many complete trials (copyEvents of prebuilt events), opened (the
//       replay timed), then K ask + tell round trips are timed one by one.
//   bench_storage fitwait --storage URL|DIR [--trials 1000] [--params 5]
//       [--pending 100] [--fits 3] [--baseline-ops 300] [--pause-ms 5]
//       what a GP fit costs the other workers: one thread asks (GP sampler,
//       a study of N complete trials), another times report and tell on
//       other (enqueued) trials meanwhile; the same ops with no ask
//       running (the baseline), and while a thread only burns a core for
//       as long as an ask took (the control: CPU taken, no storage touched).
//
// Studies are named bench-MODE-...-PID and removed at the end (--keep keeps
// them). Exit status 1 when a check fails (a trial lost, a count wrong).
#include "bench/benchmark.h"
#include "gp/lapack.h"
#include "pg/pg_storage.h"
#include "study/storage_backend.h"
#include "study/study.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <unistd.h>

using namespace tw;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

json stats(const std::vector<double>& ms)
{
    if (ms.empty()) return json{{"n", 0}};
    return json{{"n", ms.size()},
                {"p50", bench::median(ms)},
                {"p95", bench::quantile(ms, 0.95)},
                {"max", *std::max_element(ms.begin(), ms.end())}};
}

/// A PostgreSQL backend (a URL) or a folder of study files.
class Target {
public:
    explicit Target(std::string spec) : _spec(std::move(spec))
    {
        if (study::looksLikeUrl(_spec)) {
            _backend = study::connectBackend(_spec);
        } else {
            std::filesystem::create_directories(_spec);
        }
    }
    bool postgres() const { return _backend != nullptr; }
    std::string kind() const { return postgres() ? "postgresql" : "file"; }

    std::unique_ptr<study::Storage> storage(const std::string& name, bool create) const
    {
        if (_backend)
            return _backend->study(name, create ? study::StorageBackend::Mode::Create : study::StorageBackend::Mode::Open);
        return std::make_unique<study::JournalStorage>(path(name), create ? study::JournalStorage::Mode::Create
                                                                          : study::JournalStorage::Mode::Open);
    }
    void remove(const std::string& name) const
    {
        if (_backend)
            _backend->remove(name);
        else
            std::filesystem::remove(path(name));
    }
    /// Bytes the study takes (the file; PostgreSQL: its events' text).
    long long bytes(const std::string& name) const
    {
        if (_backend) return -1;
        return (long long)std::filesystem::file_size(path(name));
    }

private:
    std::string path(const std::string& name) const { return (std::filesystem::path(_spec) / (name + ".jsonl")).string(); }
    std::string _spec;
    std::unique_ptr<study::StorageBackend> _backend;
};

/// Six floats and a categorical, as bench_journal and the Optuna side use.
study::StudyConfig config(const std::string& sampler, int floats)
{
    study::StudyConfig c;
    c.name = "bench";
    std::vector<space::Param> params;
    for (int i = 0; i < floats; ++i) {
        std::string name = "x"; // not "x" + to_string(i): GCC 12's false -Wrestrict (PR 105329)
        name += std::to_string(i);
        params.push_back(space::FloatParam{std::move(name), 0.0, 1.0, false, std::nullopt});
    }
    if (sampler == "random") params.push_back(space::CategoricalParam{"opt", {std::string("sgd"), std::string("adam")}});
    c.space = space::SearchSpace(params);
    c.sampler.name = sampler;
    c.sampler.seed = 1;
    return c;
}

/// A smooth function of the unit cube with one basin, so that a GP has
/// something to fit.
double objective(const std::vector<double>& x)
{
    double s = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double d = x[i] - 0.2 - 0.1 * double(i % 4);
        s += d * d + 0.05 * std::sin(7.0 * x[i]);
    }
    return s;
}

/// The events of a study of `n` complete trials at random points: the
/// study_created line and one trial_asked / trial_told pair as a real
/// in-memory study writes them, repeated with new numbers, points and values.
std::vector<json> prebuiltEvents(const study::StudyConfig& c, int n, uint64_t seed)
{
    auto mem = study::Study::createInMemory(c);
    {
        // The template pair; an enqueued trial has no sampler to run.
        const auto t = mem->enqueue(std::vector<double>(c.space.size(), 0.0));
        mem->tell(t.number, study::Outcome::complete(0.0));
    }
    const auto& events = dynamic_cast<const study::MemoryStorage&>(mem->storage()).events();
    if (events.size() != 3) throw std::logic_error("prebuiltEvents: expected 3 template events");
    json asked = events[1], told = events[2];
    asked["sampler"] = json{{"kind", "random"}};
    std::vector<json> out;
    out.reserve(size_t(2 * n + 1));
    out.push_back(events[0]);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    const double t0 = asked.value("time", 0.0);
    for (int i = 0; i < n; ++i) {
        Eigen::VectorXd unit(c.space.encodedDim());
        for (Eigen::Index k = 0; k < unit.size(); ++k) unit[k] = u(rng);
        const std::vector<double> values = c.space.fromUnit(unit);
        asked["number"] = i;
        asked["params"] = c.space.valuesToJson(values);
        asked["time"] = t0 + i;
        told["number"] = i;
        told["value"] = objective(std::vector<double>(unit.data(), unit.data() + unit.size()));
        told["time"] = t0 + i + 0.5;
        out.push_back(asked);
        out.push_back(told);
    }
    return out;
}

/// Fills `name` on the target with `n` complete trials; returns seconds. A
/// file target gets the events written in one append; PostgreSQL gets them
/// from such a file by study::copyEvents (one COPY, as `tw copy` does). Only
/// the write into the target is timed.
double fill(const Target& target, const std::string& name, const study::StudyConfig& c, int n,
            const std::string& scratch)
{
    const auto events = prebuiltEvents(c, n, 7);
    const auto write = [&events](study::Storage& to) {
        to.transact(true, [](const json&, long) {}, [&events] { return events; });
    };
    if (!target.postgres()) {
        auto to = target.storage(name, true);
        const auto t0 = Clock::now();
        write(*to);
        return msSince(t0) / 1000.0;
    }
    const std::string path = (std::filesystem::path(scratch) / (name + ".jsonl")).string();
    std::filesystem::remove(path);
    {
        study::JournalStorage file(path, study::JournalStorage::Mode::Create);
        write(file);
    }
    study::JournalStorage from(path, study::JournalStorage::Mode::Open);
    auto to = target.storage(name, true);
    const auto t0 = Clock::now();
    study::copyEvents(from, *to);
    const double seconds = msSince(t0) / 1000.0;
    std::filesystem::remove(path);
    return seconds;
}

struct Options {
    std::string mode, storage;
    int workers = 1, trials = -1, probes = 100, params = 5, pending = 100, fits = 3, baselineOps = 300;
    double pauseMs = 5;
    std::vector<int> sizes{100, 1000, 10000};
    bool keep = false;
    std::string scratch = std::filesystem::temp_directory_path().string(); // PostgreSQL fills go through a file here
};

std::string uniqueName(const std::string& what)
{
    return "bench-" + what + "-" + std::to_string(::getpid());
}

// ---- a. throughput ----------------------------------------------------------

bool throughput(const Options& o, const Target& target)
{
    const int n = o.trials > 0 ? o.trials : 2000;
    const std::string name = uniqueName("throughput-w" + std::to_string(o.workers));
    study::Study::create(target.storage(name, true), config("random", 6));
    // Every worker opens its own study (its own connection / descriptor)
    // before the clock starts.
    std::vector<std::unique_ptr<study::Study>> studies;
    for (int w = 0; w < o.workers; ++w) studies.push_back(study::Study::open(target.storage(name, false)));
    std::vector<std::vector<double>> askMs(size_t(o.workers)), tellMs(size_t(o.workers));
    std::barrier start(o.workers + 1);
    std::atomic<bool> failed{false};
    std::string error;
    std::mutex errorMutex;
    std::vector<std::thread> threads;
    for (int w = 0; w < o.workers; ++w) {
        const int share = n / o.workers + (w < n % o.workers ? 1 : 0);
        threads.emplace_back([&, w, share] {
            start.arrive_and_wait();
            try {
                auto& s = *studies[size_t(w)];
                for (int i = 0; i < share; ++i) {
                    auto t0 = Clock::now();
                    const auto t = s.ask();
                    askMs[size_t(w)].push_back(msSince(t0));
                    t0 = Clock::now();
                    s.tell(t.number, study::Outcome::complete(objective(t.params)));
                    tellMs[size_t(w)].push_back(msSince(t0));
                }
            } catch (const std::exception& e) {
                failed = true;
                std::lock_guard lock(errorMutex);
                error = e.what();
            }
        });
    }
    start.arrive_and_wait();
    const auto t0 = Clock::now();
    for (auto& t : threads) t.join();
    const double seconds = msSince(t0) / 1000.0;
    std::vector<double> asks, tells;
    for (int w = 0; w < o.workers; ++w) {
        asks.insert(asks.end(), askMs[size_t(w)].begin(), askMs[size_t(w)].end());
        tells.insert(tells.end(), tellMs[size_t(w)].begin(), tellMs[size_t(w)].end());
    }
    studies.clear();
    // The check: every trial there once, complete.
    auto check = study::Study::open(target.storage(name, false));
    const auto trials = check->trials();
    int complete = 0, resampledLate = 0;
    for (const auto& t : trials) {
        complete += t.state == study::TrialState::Complete;
        resampledLate += t.samplerInfo.contains("snapshot_trials");
    }
    const bool ok = !failed && int(trials.size()) == n && complete == n;
    json out = {{"mode", "throughput"}, {"storage", target.kind()}, {"workers", o.workers}, {"trials", n},
                {"seconds", seconds}, {"rt_per_s", double(n) / seconds}, {"ask_ms", stats(asks)},
                {"tell_ms", stats(tells)}, {"recorded_after_3_attempts", resampledLate}, {"ok", ok}};
    if (!error.empty()) out["error"] = error;
    if (!ok) out["found"] = {{"trials", trials.size()}, {"complete", complete}};
    std::cout << out.dump() << std::endl;
    check.reset();
    if (!o.keep) target.remove(name);
    return ok;
}

// ---- b. bookkeeping per trial against the study's size -----------------------

bool scaling(const Options& o, const Target& target)
{
    bool ok = true;
    for (const int size : o.sizes) {
        const std::string name = uniqueName("scaling-" + std::to_string(size));
        const auto c = config("random", 6);
        const double fillSeconds = fill(target, name, c, size, o.scratch);
        // Open: connect (PostgreSQL) + replay every event.
        auto t0 = Clock::now();
        auto storage = target.storage(name, false);
        const double connectMs = msSince(t0);
        auto s = study::Study::open(std::move(storage));
        const double openMs = msSince(t0);
        const size_t opened = s->trials().size();
        std::vector<double> rt, asks, tells;
        for (int i = 0; i < o.probes; ++i) {
            t0 = Clock::now();
            const auto t = s->ask();
            const double a = msSince(t0);
            const auto t1 = Clock::now();
            s->tell(t.number, study::Outcome::complete(objective(t.params)));
            tells.push_back(msSince(t1));
            asks.push_back(a);
            rt.push_back(msSince(t0));
        }
        const bool sizeOk = opened == size_t(size) && s->trials().size() == size_t(size + o.probes);
        ok = ok && sizeOk;
        json out = {{"mode", "scaling"}, {"storage", target.kind()}, {"trials", size}, {"fill_s", fillSeconds},
                    {"connect_ms", connectMs}, {"open_ms", openMs}, {"round_trip_ms", stats(rt)},
                    {"ask_ms", stats(asks)}, {"tell_ms", stats(tells)}, {"ok", sizeOk}};
        const long long bytes = target.bytes(name);
        if (bytes >= 0) out["file_bytes"] = bytes;
        std::cout << out.dump() << std::endl;
        s.reset();
        if (!o.keep) target.remove(name);
    }
    return ok;
}

// ---- c. the wait of other workers while one fits the GP ----------------------

/// Reports on and tells the enqueued trials, one op every pauseMs, until
/// `ops` ops were done or `stop` is set; a tell every 10th op while more
/// than one trial is left running.
struct Prober {
    study::Study& study;
    std::vector<int>& running; // trials still running, told from the back
    double pauseMs;
    std::vector<double> reportMs, tellMs;
    int step = 0;

    void run(int ops, const std::atomic<bool>* stop)
    {
        for (int i = 0; (ops < 0 || i < ops) && !(stop && *stop); ++i) {
            if (i % 10 == 9 && running.size() > 1) {
                const int number = running.back();
                running.pop_back();
                const auto t0 = Clock::now();
                study.tell(number, study::Outcome::complete(1.0));
                tellMs.push_back(msSince(t0));
            } else {
                const int number = running[size_t(i) % running.size()];
                const auto t0 = Clock::now();
                study.report(number, ++step, 1.0);
                reportMs.push_back(msSince(t0));
            }
            std::this_thread::sleep_for(std::chrono::microseconds(long(pauseMs * 1000)));
        }
    }
};

bool fitwait(const Options& o, const Target& target)
{
    const int n = o.trials > 0 ? o.trials : 1000;
    const std::string name = uniqueName("fitwait");
    const auto c = config("gp", o.params);
    const double fillSeconds = fill(target, name, c, n, o.scratch);
    auto prober = study::Study::open(target.storage(name, false));
    std::vector<int> running;
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (int i = 0; i < o.pending; ++i) {
        std::vector<double> x(size_t(o.params));
        for (auto& v : x) v = u(rng);
        running.push_back(prober->enqueue(x).number);
    }
    auto asker = study::Study::open(target.storage(name, false));

    Prober base{*prober, running, o.pauseMs, {}, {}, 0};
    base.run(o.baselineOps, nullptr);

    Prober during{*prober, running, o.pauseMs, {}, {}, 0};
    during.step = base.step;
    std::vector<double> askMs;
    for (int f = 0; f < o.fits; ++f) {
        std::atomic<bool> done{false};
        std::string error;
        std::thread a([&] {
            try {
                const auto t0 = Clock::now();
                const auto t = asker->ask();
                askMs.push_back(msSince(t0));
                done = true;
                asker->tell(t.number, study::Outcome::complete(objective(t.params)));
            } catch (const std::exception& e) {
                error = e.what();
                done = true;
            }
        });
        during.run(-1, &done);
        a.join();
        if (!error.empty()) {
            std::cout << json{{"mode", "fitwait"}, {"storage", target.kind()}, {"error", error}, {"ok", false}}.dump()
                      << std::endl;
            return false;
        }
    }
    // The control: the same ops while a thread only burns a core for as
    // long as an ask took on average. What the ask adds beyond it would be
    // waiting on the storage.
    // Fresh trials to tell (enqueued now: no ask is running).
    for (int i = 0; i < o.pending; ++i) {
        std::vector<double> x(size_t(o.params));
        for (auto& v : x) v = u(rng);
        running.push_back(prober->enqueue(x).number);
    }
    Prober busy{*prober, running, o.pauseMs, {}, {}, during.step};
    {
        double mean = 0;
        for (double a : askMs) mean += a / double(askMs.size());
        std::atomic<bool> done{false};
        std::thread spin([&done, mean] {
            const auto t0 = Clock::now();
            volatile double x = 1;
            while (msSince(t0) < mean)
                for (int i = 0; i < 10000; ++i) x = x * 1.0000001 + 1e-9;
            done = true;
        });
        busy.run(-1, &done);
        spin.join();
    }
    json out = {{"mode", "fitwait"}, {"storage", target.kind()}, {"trials", n}, {"params", o.params},
                {"pending", o.pending}, {"fill_s", fillSeconds}, {"pause_ms", o.pauseMs},
                {"ask_ms", askMs},
                {"baseline", {{"report_ms", stats(base.reportMs)}, {"tell_ms", stats(base.tellMs)}}},
                {"during_fit", {{"report_ms", stats(during.reportMs)}, {"tell_ms", stats(during.tellMs)}}},
                {"core_busy", {{"report_ms", stats(busy.reportMs)}, {"tell_ms", stats(busy.tellMs)}}},
                {"ok", true}};
    std::cout << out.dump() << std::endl;
    prober.reset();
    asker.reset();
    if (!o.keep) target.remove(name);
    return true;
}

int positive(const std::string& flag, const std::string& text)
{
    size_t used = 0;
    int v = 0;
    try {
        v = std::stoi(text, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != text.size() || v < 1)
        throw std::invalid_argument(flag + ": expected a whole number of at least 1 (got '" + text + "')");
    return v;
}

Options parse(int argc, char** argv)
{
    if (argc < 2) throw std::invalid_argument("usage: bench_storage throughput|scaling|fitwait --storage URL|DIR [options]");
    Options o;
    o.mode = argv[1];
    if (o.mode != "throughput" && o.mode != "scaling" && o.mode != "fitwait")
        throw std::invalid_argument("mode: expected throughput, scaling or fitwait (got '" + o.mode + "')");
    for (int i = 2; i < argc; ++i) {
        const std::string flag = argv[i];
        if (flag == "--keep") {
            o.keep = true;
            continue;
        }
        if (i + 1 >= argc) throw std::invalid_argument(flag + ": needs a value");
        const std::string v = argv[++i];
        if (flag == "--storage") o.storage = v;
        else if (flag == "--workers") o.workers = positive(flag, v);
        else if (flag == "--trials") o.trials = positive(flag, v);
        else if (flag == "--probes") o.probes = positive(flag, v);
        else if (flag == "--params") o.params = positive(flag, v);
        else if (flag == "--pending") o.pending = positive(flag, v);
        else if (flag == "--fits") o.fits = positive(flag, v);
        else if (flag == "--baseline-ops") o.baselineOps = positive(flag, v);
        else if (flag == "--pause-ms") o.pauseMs = positive(flag, v);
        else if (flag == "--sizes") {
            o.sizes.clear();
            std::stringstream ss(v);
            for (std::string part; std::getline(ss, part, ',');) o.sizes.push_back(positive(flag, part));
        } else {
            throw std::invalid_argument(flag + ": unknown option");
        }
    }
    if (o.storage.empty()) throw std::invalid_argument("--storage: required (a postgresql:// URL or a folder)");
    return o;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        const Options o = parse(argc, argv);
        pg::registerBackend();
        gp::lapack::useBlasThreadsForGp(); // one OpenBLAS thread, as tw runs a GP
        const Target target(o.storage);
        bool ok = false;
        if (o.mode == "throughput") ok = throughput(o, target);
        else if (o.mode == "scaling") ok = scaling(o, target);
        else ok = fitwait(o, target);
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "bench_storage: " << e.what() << "\n";
        return 2;
    }
}
