#include "plots/study_model.h"

#include "sampler/sampler.h"

#include <future>

namespace tw::ui {

std::shared_ptr<const StudyModel> StudyModel::ofSurrogate(std::shared_ptr<const gp::Surrogate> surrogate)
{
    if (!surrogate) return nullptr;
    auto m = std::make_shared<StudyModel>();
    m->surrogate = std::move(surrogate);
    return m;
}

StudyModel buildStudyModel(const space::SearchSpace& space, study::Direction direction,
                           const sampler::SamplerConfig& config, const std::vector<study::Trial>& trials,
                           bool suggest)
{
    // The views show the GP sampler's model for any study (sampler::studySurrogate).
    sampler::SamplerConfig gp = config;
    if (gp.name != "gp") {
        gp = sampler::SamplerConfig{};
        gp.seed = config.seed;
    }
    StudyModel out;
    out.number = int(trials.size());
    out.acquisition = gp.acquisition;
    out.initialTrials = gp.initialFor(space.size());
    const bool choosing = config.name == "gp" && out.number >= out.initialTrials;
    const sampler::History h{space, direction, trials};
    // What the sampler asks next, on a thread of its own while the model is
    // built here: it fits the same model (same history, seed and number).
    std::future<std::vector<double>> next;
    if (suggest && choosing)
        next = std::async(std::launch::async, [&] { return sampler::makeSampler(gp)->suggest(h, out.number).params; });
    auto model = sampler::AcquisitionModel::build(h, gp, out.number);
    if (next.valid()) {
        try {
            out.next = next.get();
        } catch (const std::exception& e) {
            out.nextError = e.what();  // a finite space used up
        }
    }
    if (!model) return out;
    auto shared = std::make_shared<const sampler::AcquisitionModel>(std::move(*model));
    out.surrogate = std::shared_ptr<const gp::Surrogate>(shared, &shared->surrogate());
    out.model = std::move(shared);
    out.choosing = choosing;
    return out;
}

} // namespace tw::ui
