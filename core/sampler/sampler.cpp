#include "sampler/sampler.h"

#include "sampler/common.h"
#include "sampler/gp_sampler.h"
#include "sampler/halton.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace tw::sampler {

uint64_t deriveSeed(uint64_t seed, uint64_t number, uint64_t stream)
{
    // splitmix64 over a combination of the three inputs.
    auto mix = [](uint64_t z) {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    return mix(mix(mix(seed) ^ number) ^ (stream * 0xd6e8feb86659fd93ULL));
}

SeenConfigs seenConfigs(const History& h)
{
    return h.seen ? *h.seen : SeenConfigs(h.space, h.trials);
}

void checkNotExhausted(const History& h, const SeenConfigs& seen)
{
    const auto card = h.space.cardinality();
    if (card && double(seen.size()) >= *card) {
        std::ostringstream os;
        os << "search space exhausted: all " << *card << " configurations have been tried";
        throw std::runtime_error(os.str());
    }
}

std::vector<double> valuesFromParamUnit(const space::SearchSpace& space, const Eigen::VectorXd& u)
{
    Eigen::VectorXd enc = Eigen::VectorXd::Zero(space.encodedDim());
    for (size_t i = 0; i < space.size(); ++i) {
        const int off = space.encodedOffset(i);
        const double ui = std::clamp(u[Eigen::Index(i)], 0.0, std::nextafter(1.0, 0.0));
        if (const auto* c = std::get_if<space::CategoricalParam>(&space[i])) {
            const int k = int(c->choices.size());
            enc[off + std::min(k - 1, int(std::floor(ui * k)))] = 1.0;
        } else {
            enc[off] = ui;
        }
    }
    return space.fromUnit(enc);
}

std::vector<double> randomValues(const space::SearchSpace& space, std::mt19937_64& rng)
{
    std::uniform_real_distribution<double> unif(0.0, 1.0);
    Eigen::VectorXd u(Eigen::Index(space.size()));
    for (auto& x : u) x = unif(rng);
    return valuesFromParamUnit(space, u);
}

std::vector<double> randomUnseen(const History& h, const SeenConfigs& seen, std::mt19937_64& rng)
{
    std::vector<double> v = randomValues(h.space, rng);
    for (int attempt = 0; attempt < 1000 && seen.contains(v); ++attempt) v = randomValues(h.space, rng);
    return v;
}

namespace {

class RandomSampler : public Sampler {
public:
    explicit RandomSampler(SamplerConfig c) : _config(std::move(c)) {}
    Suggestion suggest(const History& h, int number) const override
    {
        const SeenConfigs seen = seenConfigs(h);
        checkNotExhausted(h, seen);
        std::mt19937_64 rng(deriveSeed(_config.seed, uint64_t(number)));
        return {randomUnseen(h, seen, rng), {{"kind", "random"}}};
    }
    bool readsTrials(const space::SearchSpace&, int) const override { return false; }

private:
    SamplerConfig _config;
};

class QmcSampler : public Sampler {
public:
    explicit QmcSampler(SamplerConfig c) : _config(std::move(c)) {}
    Suggestion suggest(const History& h, int number) const override
    {
        return suggestQuasiRandom(h, number, _config.seed);
    }
    bool readsTrials(const space::SearchSpace&, int) const override { return false; }

private:
    SamplerConfig _config;
};

} // namespace

Suggestion suggestQuasiRandom(const History& h, int number, uint64_t seed)
{
    const SeenConfigs seen = seenConfigs(h);
    checkNotExhausted(h, seen);
    ScrambledHalton halton(int(h.space.size()), deriveSeed(seed, 0, 1));
    // The trial number indexes the sequence, so parallel workers take
    // different points; collisions (discrete spaces) move further along it.
    uint64_t index = uint64_t(number);
    for (int attempt = 0; attempt < 64; ++attempt, index += 7919) {
        auto v = valuesFromParamUnit(h.space, halton.point(index));
        if (!seen.contains(v)) return {v, {{"kind", "qmc"}, {"index", index}}};
    }
    std::mt19937_64 rng(deriveSeed(seed, uint64_t(number), 2));
    return {randomUnseen(h, seen, rng), {{"kind", "random"}}};
}

namespace {

struct SamplerRegistry {
    SamplerRegistry()
    {
        factories["random"] = [](const SamplerConfig& c) { return std::make_unique<RandomSampler>(c); };
        factories["qmc"] = [](const SamplerConfig& c) { return std::make_unique<QmcSampler>(c); };
        factories["gp"] = [](const SamplerConfig& c) { return std::make_unique<GpSampler>(c); };
    }
    std::mutex mutex;
    std::map<std::string, SamplerFactory> factories;
};

SamplerRegistry& samplerRegistry()
{
    static SamplerRegistry r;
    return r;
}

} // namespace

void registerSampler(const std::string& name, SamplerFactory factory)
{
    SamplerRegistry& r = samplerRegistry();
    std::lock_guard lock(r.mutex);
    r.factories[name] = std::move(factory);
}

std::vector<std::string> samplerNames()
{
    SamplerRegistry& r = samplerRegistry();
    std::lock_guard lock(r.mutex);
    std::vector<std::string> names;
    for (const auto& [name, f] : r.factories) names.push_back(name);
    return names;
}

std::unique_ptr<Sampler> makeSampler(const SamplerConfig& config)
{
    config.validate(); // an unknown name is an invalid_argument listing the known ones
    SamplerFactory factory;
    {
        SamplerRegistry& r = samplerRegistry();
        std::lock_guard lock(r.mutex);
        factory = r.factories.at(config.name);
    }
    return factory(config);
}

} // namespace tw::sampler
