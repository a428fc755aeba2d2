#include "plots/study_model.h"

#include "sampler/sampler.h"
#include "util/printable.h"


namespace tw::ui {

std::shared_ptr<const StudyModel> StudyModel::ofSurrogate(std::shared_ptr<const gp::Surrogate> surrogate)
{
    if (!surrogate) return nullptr;
    auto m = std::make_shared<StudyModel>();
    m->surrogate = std::move(surrogate);
    return m;
}

namespace {

/// The views show the GP sampler's model for any study (sampler::studySurrogate).
sampler::SamplerConfig gpConfigOf(const sampler::SamplerConfig& config)
{
    if (config.name == "gp") return config;
    sampler::SamplerConfig gp;
    gp.seed = config.seed;
    return gp;
}

} // namespace

StudyModel buildStudyModel(const space::SearchSpace& space, study::Direction direction,
                           const sampler::SamplerConfig& config, const std::vector<study::Trial>& trials,
                           bool suggest)
{
    const sampler::SamplerConfig gp = gpConfigOf(config);
    StudyModel out;
    out.number = int(trials.size());
    out.acquisition = gp.acquisition;
    out.initialTrials = gp.initialFor(space.size());
    const sampler::History h{space, direction, trials};
    auto model = sampler::AcquisitionModel::build(h, gp, out.number);
    if (!model) return out;
    auto shared = std::make_shared<const sampler::AcquisitionModel>(std::move(*model));
    out.surrogate = std::shared_ptr<const gp::Surrogate>(shared, &shared->surrogate());
    out.model = std::move(shared);
    out.choosing = config.name == "gp" && out.number >= out.initialTrials;
    return suggest ? withProposal(std::move(out), space, direction, config, trials) : out;
}

StudyModel withProposal(StudyModel m, const space::SearchSpace& space, study::Direction direction,
                        const sampler::SamplerConfig& config, const std::vector<study::Trial>& trials)
{
    if (!m.choosing) return m;
    try {
        const sampler::History h{space, direction, trials};
        m.next = sampler::makeSampler(gpConfigOf(config))->suggest(h, m.number).params;
        m.nextError.clear();
    } catch (const std::exception& e) {
        m.next.reset();
        m.nextError = tw::printable(e.what());  // a finite space used up
    }
    return m;
}

} // namespace tw::ui
