#include "sampler/sampler_config.h"

#include "sampler/sampler.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace tw::sampler {

using nlohmann::json;

namespace {

std::string prefix(const std::string& source)
{
    return (source.empty() ? std::string() : source + ": ") + "sampler: ";
}

std::string numberText(double v)
{
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    return json(v).dump();
}

} // namespace

const std::vector<std::string>& acquisitionNames()
{
    static const std::vector<std::string> names{"logei", "lognei", "ucb"};
    return names;
}

namespace {

void validateInto(const SamplerConfig& c, const std::string& pre)
{
    const std::vector<std::string> names = samplerNames();
    if (std::find(names.begin(), names.end(), c.name) == names.end()) {
        // Built-in names first, as the forms and the help list them.
        std::vector<std::string> ordered{"gp", "random", "qmc"};
        for (const std::string& n : names)
            if (std::find(ordered.begin(), ordered.end(), n) == ordered.end()) ordered.push_back(n);
        std::string list;
        for (size_t i = 0; i < ordered.size(); ++i)
            list += (i == 0 ? "" : i + 1 == ordered.size() ? " or " : ", ") + ordered[i];
        throw std::invalid_argument(pre + "unknown name '" + c.name + "' (expected " + list + ")");
    }
    const auto& acquisitions = acquisitionNames();
    if (std::find(acquisitions.begin(), acquisitions.end(), c.acquisition) == acquisitions.end())
        throw std::invalid_argument(pre + "unknown acquisition '" + c.acquisition + "' (expected logei, lognei or ucb)");
    if (!std::isfinite(c.ucbBeta) || !(c.ucbBeta > 0))
        throw std::invalid_argument(pre + "'ucb_beta' must be a finite number > 0 (ucb_beta = " +
                                    numberText(c.ucbBeta) + ")");
    if (c.initialTrials < -1)
        throw std::invalid_argument(pre + "'initial' must be >= 0, or -1 for automatic (initial = " +
                                    std::to_string(c.initialTrials) + ")");
    if (c.kernel != "matern52" && c.kernel != "rbf")
        throw std::invalid_argument(pre + "unknown kernel '" + c.kernel + "' (expected matern52 or rbf)");
}

std::string stringField(const json& v, const char* key, const std::string& pre)
{
    if (!v.is_string()) throw std::invalid_argument(pre + "'" + key + "' must be a string");
    return v.get<std::string>();
}

} // namespace

int SamplerConfig::initialFor(size_t numParams) const
{
    if (initialTrials >= 0) return initialTrials;
    return std::max(5, 2 * int(numParams));
}

void SamplerConfig::validate() const
{
    validateInto(*this, "sampler: ");
}

json SamplerConfig::toJson() const
{
    return json{{"name", name},
                {"seed", seed},
                {"initial", initialTrials},
                {"acquisition", acquisition},
                {"ucb_beta", ucbBeta},
                {"kernel", kernel}};
}

SamplerConfig SamplerConfig::fromJson(const json& j, const std::string& source)
{
    const std::string pre = prefix(source);
    if (!j.is_object()) throw std::invalid_argument(pre + "must be a JSON object");
    SamplerConfig c;
    for (const auto& item : j.items()) {
        const std::string& key = item.key();
        const json& v = item.value();
        if (key == "name") {
            c.name = stringField(v, "name", pre);
        } else if (key == "seed") {
            // A seed written in code (json{{"seed", 1}}) is a signed integer; one parsed from text is unsigned.
            if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<long long>() < 0))
                throw std::invalid_argument(pre + "'seed' must be a non-negative integer (got " + v.dump() + ")");
            c.seed = v.get<uint64_t>();
        } else if (key == "initial") {
            if (!v.is_number_integer())
                throw std::invalid_argument(pre + "'initial' must be an integer (got " + v.dump() + ")");
            const auto n = v.get<long long>();
            if (n < -1 || n > std::numeric_limits<int>::max())
                throw std::invalid_argument(pre + "'initial' must be >= 0, or -1 for automatic (initial = " +
                                            v.dump() + ")");
            c.initialTrials = int(n);
        } else if (key == "acquisition") {
            c.acquisition = stringField(v, "acquisition", pre);
        } else if (key == "ucb_beta") {
            if (!v.is_number()) throw std::invalid_argument(pre + "'ucb_beta' must be a number (got " + v.dump() + ")");
            c.ucbBeta = v.get<double>();
        } else if (key == "kernel") {
            c.kernel = stringField(v, "kernel", pre);
        } else {
            throw std::invalid_argument(pre + "unknown key '" + key +
                                        "' (expected name, seed, initial, acquisition, ucb_beta, kernel)");
        }
    }
    validateInto(c, pre);
    return c;
}

} // namespace tw::sampler
