#include "sampler/seen_configs.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace tw::sampler {

bool ConfigLess::operator()(const std::vector<double>& a, const std::vector<double>& b) const
{
    const size_t n = std::min(a.size(), b.size());
    for (size_t i = 0; i < n; ++i) {
        const bool na = std::isnan(a[i]), nb = std::isnan(b[i]);
        if (na || nb) {
            if (na != nb) return na;
            continue;
        }
        if (a[i] != b[i]) return a[i] < b[i];
    }
    return a.size() < b.size();
}

namespace {

/// Masked again here: a trial enqueued with a value for an inactive
/// parameter is the same configuration as one without it.
void mask(const space::SearchSpace& space, std::vector<double>& p)
{
    if (p.size() == space.size()) space.deactivate(p);
}

} // namespace

SeenConfigs::SeenConfigs(const space::SearchSpace& space, const std::vector<study::Trial>& trials)
{
    auto run = std::make_shared<Run>();
    run->reserve(trials.size());
    for (const auto& t : trials) {
        std::vector<double> p = t.params;
        mask(space, p);
        run->push_back(std::move(p));
    }
    const ConfigLess less;
    std::sort(run->begin(), run->end(), less);
    run->erase(std::unique(run->begin(), run->end(),
                           [&less](const auto& a, const auto& b) { return !less(a, b) && !less(b, a); }),
               run->end());
    _size = run->size();
    if (!run->empty()) _runs.push_back(std::move(run));
}

bool SeenConfigs::contains(const std::vector<double>& params) const
{
    for (const auto& run : _runs)
        if (std::binary_search(run->begin(), run->end(), params, ConfigLess{})) return true;
    return false;
}

bool SeenConfigs::insert(const space::SearchSpace& space, std::vector<double> params)
{
    mask(space, params);
    if (contains(params)) return false;
    _runs.push_back(std::make_shared<const Run>(Run{std::move(params)}));
    ++_size;
    // A binary counter of runs: merge the last two while the older one is
    // not larger. Runs are shared with snapshots, so a merge builds a new
    // one and leaves both inputs as they are.
    while (_runs.size() >= 2 && _runs[_runs.size() - 2]->size() <= _runs.back()->size()) {
        const Run& a = *_runs[_runs.size() - 2];
        const Run& b = *_runs.back();
        auto merged = std::make_shared<Run>();
        merged->reserve(a.size() + b.size());
        std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(*merged), ConfigLess{});
        _runs.pop_back();
        _runs.back() = std::move(merged);
    }
    return true;
}

} // namespace tw::sampler
