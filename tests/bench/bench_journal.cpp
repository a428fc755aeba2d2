// Bookkeeping cost of a study file: a 1000-trial study written through the
// journal (ask + tell with the random sampler, so the GP is out of the
// picture), then opened again.
//
//   build/tests/bench_journal [trials] [path]
#include "bench/benchmark.h"
#include "study/study.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

using namespace tw;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv)
{
    const int n = argc > 1 ? std::atoi(argv[1]) : 1000;
    const std::string path = argc > 2 ? argv[2] : (std::filesystem::temp_directory_path() / "tw-bench-journal.jsonl").string();
    std::filesystem::remove(path);
    study::StudyConfig c;
    c.name = "bench";
    std::vector<space::Param> params;
    for (int i = 0; i < 6; ++i) {
        std::string name = "x"; // not "x" + to_string(i): GCC 12's false -Wrestrict (PR 105329)
        name += std::to_string(i);
        params.push_back(space::FloatParam{std::move(name), 0.0, 1.0, false, std::nullopt});
    }
    params.push_back(space::CategoricalParam{"opt", {std::string("sgd"), std::string("adam")}});
    c.space = space::SearchSpace(params);
    c.sampler.name = "random";
    auto study = study::Study::createFile(path, c);
    std::vector<double> perTrial;
    for (int i = 0; i < n; ++i) {
        const auto t0 = Clock::now();
        auto t = study->ask();
        study->report(t.number, 1, 0.5);
        study->setUserAttrs(t.number, {{"accuracy", 0.9}, {"device", "cpu"}});
        study->tell(t.number, study::Outcome::complete(t.params[0]));
        perTrial.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    study.reset();
    const auto t0 = Clock::now();
    auto reopened = study::Study::openFile(path);
    const auto trials = reopened->trials();
    const double openMs = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    nlohmann::json out = {{"trials", trials.size()},
                          {"file_bytes", std::filesystem::file_size(path)},
                          {"open_ms", openMs},
                          {"per_trial_ms", {{"median", bench::median(perTrial)},
                                            {"p95", bench::quantile(perTrial, 0.95)},
                                            {"last_100_median", bench::median(std::vector<double>(perTrial.end() - std::min(n, 100), perTrial.end()))}}}};
    std::cout << out.dump() << std::endl;
    std::filesystem::remove(path);
    return trials.size() == size_t(n) ? 0 : 1;
}
