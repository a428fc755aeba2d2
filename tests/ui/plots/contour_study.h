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
