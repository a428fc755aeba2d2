#pragma once
// The study the contour tests share: a log learning rate, a dropout and an
// optimizer choice, quasi-random trials of a smooth loss with its optimum at
// learning_rate 1e-3, dropout 0.2, optimizer sgd.
#include "study/study.h"

#include <cmath>
#include <memory>
#include <string>

inline std::unique_ptr<tw::study::Study> makeContourStudy(const std::string& name, int trials, uint64_t seed)
{
    using namespace tw;
    study::StudyConfig c;
    c.name = name;
    c.space = space::SearchSpace({space::FloatParam{"learning_rate", 1e-5, 1e-1, true, std::nullopt},
                                  space::FloatParam{"dropout", 0.0, 0.6, false, std::nullopt},
                                  space::CategoricalParam{"optimizer", {std::string("sgd"), std::string("adam"),
                                                                        std::string("rmsprop")}}});
    c.sampler.name = "qmc";
    c.sampler.seed = seed;
    auto st = study::Study::createInMemory(c);
    for (int i = 0; i < trials; ++i) {
        auto t = st->ask();
        const double v = std::pow(std::log10(t.params[0]) + 3.0, 2) + 4.0 * std::pow(t.params[1] - 0.2, 2) +
                         0.3 * t.params[2];
        st->tell(t.number, study::Outcome::complete(v));
    }
    return st;
}

/// A study the GP sampler runs (its first `initial` trials quasi-random) over
/// the same loss: learning_rate and dropout, and the optimizer choice unless
/// `twoParameters`. With `failHighRates`, every trial with a learning rate
/// above 0.003 fails ("diverged"), as a network whose loss explodes. In
/// memory, or in the study file `path`.
inline std::unique_ptr<tw::study::Study> makeGpContourStudy(const std::string& name, int trials, uint64_t seed,
                                                            bool twoParameters = false, bool failHighRates = false,
                                                            int initial = 5, const std::string& path = {})
{
    using namespace tw;
    study::StudyConfig c;
    c.name = name;
    std::vector<space::Param> params{space::FloatParam{"learning_rate", 1e-5, 1e-1, true, std::nullopt},
                                     space::FloatParam{"dropout", 0.0, 0.6, false, std::nullopt}};
    if (!twoParameters)
        params.push_back(space::CategoricalParam{"optimizer", {std::string("sgd"), std::string("adam"),
                                                               std::string("rmsprop")}});
    c.space = space::SearchSpace(params);
    c.sampler.name = "gp";
    c.sampler.seed = seed;
    c.sampler.initialTrials = initial;
    auto st = path.empty() ? study::Study::createInMemory(c) : study::Study::createFile(path, c);
    for (int i = 0; i < trials; ++i) {
        auto t = st->ask();
        if (failHighRates && t.params[0] > 0.003) {
            st->tell(t.number, study::Outcome::failed("diverged"));
            continue;
        }
        const double opt = twoParameters ? 0.0 : 0.3 * t.params[2];
        const double v = std::pow(std::log10(t.params[0]) + 3.0, 2) + 4.0 * std::pow(t.params[1] - 0.2, 2) + opt;
        st->tell(t.number, study::Outcome::complete(v));
    }
    return st;
}
