// Built-in data sets: seeded generators and the named catalogue.
#include "data/builtin.h"

#include "data/csv.h"
#include "data/idx.h"
#include "data/random.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tw::data {

namespace {

constexpr double kPi = 3.14159265358979323846;

Dataset twoFeatureBinary(const std::string& name, int64_t n, const std::string& recipe)
{
    Dataset d;
    d.name = name;
    d.task = Task::Binary;
    d.sampleShape = {2};
    d.featureNames = {"x", "y"};
    d.classNames = {"0", "1"};
    d.features.resize(size_t(2 * n));
    d.labels.resize(size_t(n));
    d.provenance.source = "builtin:" + name;
    d.provenance.rows = n;
    d.provenance.columns = 3;
    d.provenance.preprocessing = recipe;
    return d;
}

void checkSize(const char* what, int64_t n, int64_t minimum)
{
    if (n < minimum)
        throw std::invalid_argument(std::string(what) + ": n = " + std::to_string(n) + " samples; at least " +
                                    std::to_string(minimum) + " are needed");
}

void checkNoise(const char* what, double noise)
{
    if (!std::isfinite(noise) || noise < 0)
        throw std::invalid_argument(std::string(what) + ": noise must be finite and >= 0 (noise = " + formatNumber(noise) + ")");
}

std::string recipe(int64_t n, double noise, uint64_t seed, const std::string& part = {})
{
    return "generated" + (part.empty() ? std::string() : " (" + part + ")") + ": n = " + std::to_string(n) + ", noise = " + formatNumber(noise) + ", seed = " + std::to_string(seed);
}

// The workshop's generate_data: all angles first, then the noise (row-major
// n x 2), then the second half mirrored and labelled 1.
Dataset spiralsFrom(Rng& rng, int64_t n, double noise, const std::string& provenance)
{
    Dataset d = twoFeatureBinary("spirals", n, provenance);
    std::vector<double> phi(static_cast<size_t>(n));
    for (double& a : phi) a = rng.uniform(1.0, 15.0);
    for (int64_t i = 0; i < n; ++i) {
        const double a = phi[size_t(i)];
        d.features[size_t(2 * i)] = float((a + 1.0) * std::cos(a));
        d.features[size_t(2 * i + 1)] = float(a * std::sin(a));
    }
    for (int64_t i = 0; i < n; ++i) {
        const double nx = rng.normal(0.0, noise), ny = rng.normal(0.0, noise);
        const float sign = i >= n / 2 ? -1.0f : 1.0f;
        d.features[size_t(2 * i)] = sign * float(double(d.features[size_t(2 * i)]) + nx);
        d.features[size_t(2 * i + 1)] = sign * float(double(d.features[size_t(2 * i + 1)]) + ny);
        d.labels[size_t(i)] = i >= n / 2 ? 1 : 0;
    }
    return d;
}

Dataset moonsFrom(Rng& rng, int64_t n, double noise, const std::string& provenance)
{
    Dataset d = twoFeatureBinary("moons", n, provenance);
    const int64_t outer = n / 2, inner = n - outer;
    auto angle = [](int64_t i, int64_t count) { return count > 1 ? kPi * double(i) / double(count - 1) : 0.0; };
    for (int64_t i = 0; i < n; ++i) {
        double x, y;
        if (i < outer) {
            const double t = angle(i, outer);
            x = std::cos(t), y = std::sin(t);
        } else {
            const double t = angle(i - outer, inner);
            x = 1.0 - std::cos(t), y = 1.0 - std::sin(t) - 0.5;
        }
        x += rng.normal(0.0, noise);
        y += rng.normal(0.0, noise);
        d.features[size_t(2 * i)] = float(x);
        d.features[size_t(2 * i + 1)] = float(y);
        d.labels[size_t(i)] = i < outer ? 0 : 1;
    }
    return d;
}

Dataset circlesFrom(Rng& rng, int64_t n, double noise, double factor, const std::string& provenance)
{
    Dataset d = twoFeatureBinary("circles", n, provenance);
    const int64_t outer = n / 2, inner = n - outer;
    for (int64_t i = 0; i < n; ++i) {
        const bool isOuter = i < outer;
        const double t = isOuter ? 2 * kPi * double(i) / double(outer) : 2 * kPi * double(i - outer) / double(inner);
        const double r = isOuter ? 1.0 : factor;
        d.features[size_t(2 * i)] = float(r * std::cos(t) + rng.normal(0.0, noise));
        d.features[size_t(2 * i + 1)] = float(r * std::sin(t) + rng.normal(0.0, noise));
        d.labels[size_t(i)] = isOuter ? 0 : 1;
    }
    return d;
}

void checkCircles(int64_t n, double noise, double factor)
{
    checkSize("circles", n, 2);
    checkNoise("circles", noise);
    if (!(factor > 0 && factor < 1))
        throw std::invalid_argument("circles: factor must be in (0, 1) (factor = " + formatNumber(factor) + ")");
}

std::string circlesRecipe(int64_t n, double noise, double factor, uint64_t seed, const std::string& part = {})
{
    return recipe(n, noise, seed, part) + ", factor = " + formatNumber(factor);
}

/// The first samples of each class, as many as `limit` in all, the classes
/// in proportion (largest remainder; a tie to the lower class), in their
/// original order. The generators write class after class, so a plain
/// prefix would hold one class only.
Dataset firstOfEachClass(const Dataset& d, int64_t limit)
{
    const int64_t n = d.size();
    if (limit <= 0 || limit >= n) return d;
    const std::vector<int64_t> counts = d.classCounts();
    std::vector<int64_t> quota(counts.size());
    std::vector<std::pair<int64_t, size_t>> remainders; // (remainder, class): largest first, lower class on ties
    int64_t given = 0;
    for (size_t k = 0; k < counts.size(); ++k) {
        quota[k] = limit * counts[k] / n;
        given += quota[k];
        remainders.push_back({limit * counts[k] % n, k});
    }
    std::stable_sort(remainders.begin(), remainders.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    for (size_t r = 0; given < limit && r < remainders.size(); ++r, ++given) ++quota[remainders[r].second];
    std::vector<int64_t> keep;
    keep.reserve(size_t(limit));
    for (int64_t i = 0; i < n; ++i)
        if (quota[size_t(d.labels[size_t(i)])]-- > 0) keep.push_back(i);
    Dataset out = d.subset(keep);
    out.provenance.preprocessing += "; first " + std::to_string(limit) + " of " + std::to_string(n) +
                                    " samples (the first of each class, in proportion)";
    return out;
}

} // namespace

Dataset spirals(int64_t n, double noise, uint64_t seed)
{
    checkSize("spirals", n, 2);
    checkNoise("spirals", noise);
    Rng rng(seed);
    return spiralsFrom(rng, n, noise, recipe(n, noise, seed));
}

Dataset moons(int64_t n, double noise, uint64_t seed)
{
    checkSize("moons", n, 2);
    checkNoise("moons", noise);
    Rng rng(seed);
    return moonsFrom(rng, n, noise, recipe(n, noise, seed));
}

Dataset circles(int64_t n, double noise, double factor, uint64_t seed)
{
    checkCircles(n, noise, factor);
    Rng rng(seed);
    return circlesFrom(rng, n, noise, factor, circlesRecipe(n, noise, factor, seed));
}

Dataset imbalancedBinary(int64_t n, int features, double positiveFraction, uint64_t seed)
{
    checkSize("imbalanced", n, 2);
    if (features < 1) throw std::invalid_argument("imbalanced: features must be >= 1 (features = " + std::to_string(features) + ")");
    if (!(positiveFraction > 0 && positiveFraction < 1))
        throw std::invalid_argument("imbalanced: positiveFraction must be in (0, 1) (positiveFraction = " +
                                    formatNumber(positiveFraction) + ")");
    Rng rng(seed);
    Dataset d;
    d.name = "imbalanced";
    d.task = Task::Binary;
    d.sampleShape = {features};
    d.classNames = {"0", "1"};
    for (int j = 0; j < features; ++j) d.featureNames.push_back(std::string(1, 'x').append(std::to_string(j + 1)));
    const int64_t positives = std::clamp<int64_t>(std::llround(double(n) * positiveFraction), 1, n - 1);
    d.labels.assign(size_t(n), 0);
    std::fill(d.labels.begin(), d.labels.begin() + positives, 1);
    rng.shuffle(d.labels);
    const int informative = (features + 1) / 2;
    d.features.resize(size_t(n) * size_t(features));
    for (int64_t i = 0; i < n; ++i)
        for (int j = 0; j < features; ++j) {
            double v = rng.normal();
            if (j < informative && d.labels[size_t(i)] == 1) v += j % 2 == 0 ? 1.0 : -1.0;
            d.features[size_t(i * features + j)] = float(v);
        }
    d.provenance.source = "builtin:imbalanced";
    d.provenance.rows = n;
    d.provenance.columns = features + 1;
    d.provenance.preprocessing = "generated: n = " + std::to_string(n) + ", " + std::to_string(features) + " features (" +
                                 std::to_string(informative) + " informative), " + std::to_string(positives) +
                                 " positives, seed = " + std::to_string(seed);
    return d;
}

std::vector<std::string> builtinDatasetNames()
{
    return {"spirals", "moons", "circles", "imbalanced", "fashion-mnist"};
}

BuiltinData builtinDataset(const std::string& name, uint64_t seed, int64_t limit, const std::string& idxDir)
{
    if (limit < 0) throw std::invalid_argument(name + ": limit must be >= 0 (0 keeps every sample)");
    BuiltinData out;
    // Training and validation samples come from one random stream, as the
    // workshop generates its validation set after the training set.
    auto pair = [&](int64_t nTrain, int64_t nVal, auto&& generate) {
        Rng rng(seed);
        out.train = generate(rng, nTrain, "train");
        out.validation = generate(rng, nVal, "validation");
    };
    if (name == "spirals") {
        pair(4000, 1000, [&](Rng& rng, int64_t n, const std::string& part) {
            return spiralsFrom(rng, n, 0.4, recipe(n, 0.4, seed, part));
        });
    } else if (name == "moons") {
        pair(2000, 500, [&](Rng& rng, int64_t n, const std::string& part) {
            return moonsFrom(rng, n, 0.2, recipe(n, 0.2, seed, part));
        });
    } else if (name == "circles") {
        pair(2000, 500, [&](Rng& rng, int64_t n, const std::string& part) {
            return circlesFrom(rng, n, 0.1, 0.5, circlesRecipe(n, 0.1, 0.5, seed, part));
        });
    } else if (name == "imbalanced") {
        out.train = imbalancedBinary(5000, 10, 0.1, seed);
    } else if (name == "fashion-mnist") {
        const std::string dir = idxDir.empty() ? std::string(kFashionMnistDir) : idxDir;
        out.train = loadFashionMnist("train", dir, limit);
        out.test = loadFashionMnist("test", dir, limit);
        return out;
    } else {
        std::string names;
        for (const std::string& n : builtinDatasetNames()) names += (names.empty() ? "" : ", ") + n;
        throw std::invalid_argument("unknown dataset '" + name + "' (built-in: " + names + ")");
    }
    out.train = firstOfEachClass(out.train, limit);
    return out;
}

} // namespace tw::data
