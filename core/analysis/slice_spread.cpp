// A slice's mean over GP hyperparameter draws (see slice_spread.h).
#include "analysis/slice_spread.h"

#include <algorithm>

namespace tw::analysis {

SliceSpread sliceSpread(const gp::Surrogate& s, const std::string& x, const std::vector<double>& fixed,
                        int resolution, const DrawOptions& o)
{
    checkDrawOptions(o, "slice spread");
    SliceSpread out;
    out.x = slice(s, x, fixed, resolution).x.values;  // checks x and the fixed values
    out.observations = s.observations();
    // The surrogate's warp and direction, with each draw's GP.
    gp::Surrogate drawn = s;
    out.draws = forEachHyperparameterDraw(s.gp(), o, [&](const gp::GaussianProcess& g) {
        drawn.gp() = g;
        out.means.push_back(slice(drawn, x, fixed, resolution).mean);
    });
    if (out.draws == 0) return out;
    const auto n = Eigen::Index(out.x.size());
    out.low.resize(n);
    out.high.resize(n);
    std::vector<double> at(out.means.size());
    for (Eigen::Index k = 0; k < n; ++k) {
        for (size_t d = 0; d < out.means.size(); ++d) at[d] = out.means[d][k];
        std::sort(at.begin(), at.end());
        out.low[k] = quantileOfSorted(at, o.lowQuantile);
        out.high[k] = quantileOfSorted(at, o.highQuantile);
    }
    return out;
}

} // namespace tw::analysis
