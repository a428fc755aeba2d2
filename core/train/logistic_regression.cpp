#include "train/logistic_regression.h"

#include "util/errors.h"
#include "util/json_read.h"
#include "util/json_values.h"

#include "data/csv.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <limits>
#include <stdexcept>

namespace tw::train {

using nlohmann::json;

namespace {

const std::string kPre = "model: ";
const std::vector<std::string> kKeys{"C", "fit_intercept", "max_iter", "tol"};

[[noreturn]] void typeError(const std::string& key, const char* expected, const json& v)
{
    throw std::invalid_argument(kPre + "'" + key + "' must be " + expected + " (got " + v.dump() + ")");
}

void require(bool ok, const std::string& key, const std::string& rule, const std::string& value)
{
    if (!ok) throw std::invalid_argument(kPre + "'" + key + "' must " + rule + " (" + key + " = " + value + ")");
}

void validateData(const LogisticData& d, int numClasses, const char* which, int64_t features)
{
    const std::string pre = std::string(which) + " samples: ";
    if (d.numFeatures <= 0) throw std::invalid_argument(pre + "need at least one feature");
    if (features > 0 && d.numFeatures != features)
        throw std::invalid_argument(pre + std::to_string(d.numFeatures) + " features, training has " +
                                    std::to_string(features));
    if (d.features.size() % size_t(d.numFeatures) != 0)
        throw std::invalid_argument(pre + std::to_string(d.features.size()) + " values are not a multiple of " +
                                    std::to_string(d.numFeatures) + " features");
    const int64_t n = d.rows();
    if (n == 0) throw std::invalid_argument(pre + "no rows");
    if (int64_t(d.labels.size()) != n)
        throw std::invalid_argument(pre + std::to_string(d.labels.size()) + " labels for " + std::to_string(n) + " rows");
    for (int64_t y : d.labels)
        if (y < 0 || y >= numClasses)
            throw std::invalid_argument(pre + "label " + std::to_string(y) + " is not in 0.." +
                                        std::to_string(numClasses - 1));
    for (float v : d.features)
        if (!std::isfinite(v)) throw std::invalid_argument(pre + "a feature value is missing or not finite (impute first)");
    if (!d.weights.empty()) {
        if (int64_t(d.weights.size()) != n)
            throw std::invalid_argument(pre + std::to_string(d.weights.size()) + " weights for " + std::to_string(n) +
                                        " rows");
        for (float w : d.weights)
            if (!std::isfinite(w) || w < 0) throw std::invalid_argument(pre + "a weight is negative or not finite");
    }
}

std::vector<double> doublesOf(const json& j, const char* key, size_t size)
{
    if (!j.contains(key) || !j[key].is_array() || j[key].size() != size)
        throw std::invalid_argument(std::string("logistic model: '") + key + "' must be an array of " +
                                    std::to_string(size) + " numbers");
    std::vector<double> v;
    v.reserve(size);
    for (const auto& x : j[key]) {
        if (!x.is_number()) throw std::invalid_argument(std::string("logistic model: '") + key + "' holds a non-number");
        v.push_back(x.get<double>());
    }
    return v;
}

} // namespace

// ---- params -------------------------------------------------------------------

void LogisticParams::validate() const
{
    require(std::isfinite(c) && c > 0, "C", "be > 0", data::formatNumber(c));
    require(maxIter >= 1 && maxIter <= 100000, "max_iter", "be in 1..100000", std::to_string(maxIter));
    require(std::isfinite(tol) && tol > 0, "tol", "be > 0", data::formatNumber(tol));
}

json LogisticParams::toJson() const
{
    return json{{"C", c}, {"fit_intercept", fitIntercept}, {"max_iter", maxIter}, {"tol", tol}};
}

LogisticParams LogisticParams::fromJson(const json& j, const std::string& source)
{
    LogisticParams p;
    try {
        if (!j.is_object()) throw std::invalid_argument(kPre + "expected a JSON object (got " + j.dump() + ")");
        for (auto it = j.begin(); it != j.end(); ++it) p.set(it.key(), it.value());
        p.validate();
    } catch (const std::invalid_argument& e) {
        if (source.empty()) throw;
        throw std::invalid_argument(source + ": " + e.what());
    }
    return p;
}

void LogisticParams::set(const std::string& key, const json& v)
{
    if (key == "C" || key == "tol") {
        const auto d = jsonNumber(v);
        if (!d) typeError(key, "a number", v);
        (key == "C" ? c : tol) = *d;
    } else if (key == "fit_intercept") {
        const auto b = jsonFlag(v);
        if (!b) typeError(key, "true or false", v);
        fitIntercept = *b;
    } else if (key == "max_iter") {
        const auto n = jsonInteger(v, -1000000000, 1000000000);
        if (!n) typeError(key, "an integer", v);
        maxIter = int(*n);
    } else {
        throw std::invalid_argument(kPre + "unknown setting '" + key + "' (settings: C, fit_intercept, max_iter, tol)");
    }
}

bool LogisticParams::hasKey(const std::string& key)
{
    return std::find(kKeys.begin(), kKeys.end(), key) != kKeys.end();
}

const std::vector<std::string>& LogisticParams::keys()
{
    return kKeys;
}

// ---- model --------------------------------------------------------------------

std::vector<float> LogisticModel::predictProba(std::span<const float> features) const
{
    if (numFeatures <= 0 || features.size() % size_t(numFeatures) != 0)
        throw std::invalid_argument("logistic model: " + std::to_string(features.size()) +
                                    " feature values are not a multiple of " + std::to_string(numFeatures) +
                                    " features");
    const size_t n = features.size() / size_t(numFeatures), d = size_t(numFeatures);
    const int r = rows(), k = numClasses;
    std::vector<float> out(n * size_t(k));
    std::vector<double> z(static_cast<size_t>(r));
    for (size_t i = 0; i < n; ++i) {
        const float* x = features.data() + i * d;
        for (int c = 0; c < r; ++c) {
            double s = intercept[size_t(c)];
            const double* w = coef.data() + size_t(c) * d;
            for (size_t j = 0; j < d; ++j) s += w[j] * double(x[j]);
            z[size_t(c)] = s;
        }
        float* p = out.data() + i * size_t(k);
        if (k == 2) {
            const double p1 = 1.0 / (1.0 + std::exp(-z[0]));
            p[0] = float(1.0 - p1);
            p[1] = float(p1);
        } else {
            const double mx = *std::max_element(z.begin(), z.end());
            double sum = 0;
            for (int c = 0; c < k; ++c) sum += std::exp(z[size_t(c)] - mx);
            for (int c = 0; c < k; ++c) p[c] = float(std::exp(z[size_t(c)] - mx) / sum);
        }
    }
    return out;
}

std::vector<int64_t> LogisticModel::predict(std::span<const float> features) const
{
    const auto p = predictProba(features);
    const size_t k = size_t(numClasses), n = p.size() / k;
    std::vector<int64_t> y(n);
    for (size_t i = 0; i < n; ++i)
        y[i] = int64_t(std::max_element(p.begin() + long(i * k), p.begin() + long((i + 1) * k)) -
                       (p.begin() + long(i * k)));
    return y;
}

json LogisticModel::toJson() const
{
    return json{{"num_classes", numClasses}, {"num_features", numFeatures}, {"coef", coef}, {"intercept", intercept}};
}

LogisticModel LogisticModel::fromJson(const json& j)
{
    if (!j.is_object()) throw std::invalid_argument("logistic model: expected a JSON object");
    LogisticModel m;
    if (!j.contains("num_classes") || !j["num_classes"].is_number_integer() || j["num_classes"].get<int>() < 2)
        throw std::invalid_argument("logistic model: 'num_classes' must be an integer >= 2");
    if (!j.contains("num_features") || !j["num_features"].is_number_integer() || j["num_features"].get<int64_t>() < 1)
        throw std::invalid_argument("logistic model: 'num_features' must be an integer >= 1");
    m.numClasses = j["num_classes"].get<int>();
    m.numFeatures = j["num_features"].get<int64_t>();
    m.coef = doublesOf(j, "coef", size_t(m.rows()) * size_t(m.numFeatures));
    m.intercept = doublesOf(j, "intercept", size_t(m.rows()));
    return m;
}

void LogisticModel::save(const std::string& path) const
{
    std::ofstream f(path, std::ios::trunc);
    if (!f) throw IoError(path + ": cannot open for writing");
    f << toJson().dump() << '\n';
    if (!f.flush()) throw IoError(path + ": write failed");
}

LogisticModel LogisticModel::load(const std::string& path)
{
    std::ifstream f(path);
    if (!f) throw IoError(path + ": cannot open");
    std::ostringstream text;
    text << f.rdbuf();
    const json j = parseJson(text.str(), path);
    try {
        return fromJson(j);
    } catch (const std::exception& e) {
        throw ParseError(path + ": " + e.what());
    }
}

// ---- fit ----------------------------------------------------------------------

LogisticModel fitLogistic(const LogisticParams& params, int numClasses, const LogisticData& train,
                          const LogisticData* validation, const std::function<bool(const LogisticReport&)>& onStep,
                          int steps, LogisticFitInfo* info)
{
    params.validate();
    if (numClasses < 2)
        throw std::invalid_argument("logistic regression needs >= 2 classes (num_classes = " +
                                    std::to_string(numClasses) + ")");
    if (steps < 1) throw std::invalid_argument("logistic regression: steps must be >= 1 (steps = " +
                                               std::to_string(steps) + ")");
    validateData(train, numClasses, "training", 0);
    if (validation) validateData(*validation, numClasses, "validation", train.numFeatures);

    torch::NoGradGuard outerNoGrad;
    const int64_t n = train.rows(), d = train.numFeatures;
    const int r = numClasses == 2 ? 1 : numClasses;
    const auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
    const torch::Tensor x =
        torch::from_blob(const_cast<float*>(train.features.data()), {n, d}, torch::kFloat32).to(torch::kFloat64);
    const torch::Tensor y =
        torch::from_blob(const_cast<int64_t*>(train.labels.data()), {n}, torch::kInt64).clone();
    const torch::Tensor s = train.weights.empty()
                                ? torch::ones({n}, f64)
                                : torch::from_blob(const_cast<float*>(train.weights.data()), {n}, torch::kFloat32)
                                      .to(torch::kFloat64);
    const double sumWeights = s.sum().item<double>();
    if (!(sumWeights > 0)) throw std::invalid_argument("training samples: the weights sum to 0");
    const torch::Tensor yf = y.to(torch::kFloat64);

    torch::Tensor w = torch::zeros({r, d}, f64).requires_grad_(true);
    torch::Tensor b = torch::zeros({r}, f64).requires_grad_(params.fitIntercept);
    std::vector<torch::Tensor> vars{w};
    if (params.fitIntercept) vars.push_back(b);

    const double l2 = 1.0 / (2.0 * params.c * sumWeights);
    // Mean weighted log-loss (the training loss reported) and the objective.
    auto dataLoss = [&]() {
        const torch::Tensor z = torch::addmm(b, x, w.t()); // n x r
        torch::Tensor nll;
        if (r == 1) {
            // -y log sigmoid(z) - (1 - y) log sigmoid(-z): stable, and smooth at z = 0
            // (relu(z) + log1p(exp(-|z|)) has kinks there whose subgradients autograd gets wrong).
            const torch::Tensor z1 = z.squeeze(1);
            nll = -yf * torch::log_sigmoid(z1) - (1.0 - yf) * torch::log_sigmoid(-z1);
        }
        else nll = torch::logsumexp(z, 1) - z.gather(1, y.unsqueeze(1)).squeeze(1);
        return (s * nll).sum() / sumWeights;
    };
    auto objective = [&]() { return dataLoss() + l2 * w.pow(2).sum(); };

    const int chunk = (params.maxIter + steps - 1) / steps;
    torch::optim::LBFGS opt(vars, torch::optim::LBFGSOptions(1.0)
                                      .max_iter(chunk)
                                      .tolerance_grad(params.tol)
                                      .tolerance_change(1e-12)
                                      .history_size(10)
                                      .line_search_fn("strong_wolfe"));
    auto closure = [&]() {
        torch::AutoGradMode enable(true);
        opt.zero_grad();
        torch::Tensor loss = objective();
        loss.backward();
        return loss;
    };

    LogisticModel model;
    model.numClasses = numClasses;
    model.numFeatures = d;
    auto copyWeights = [&]() {
        const torch::Tensor wc = w.detach().contiguous();
        model.coef.assign(wc.data_ptr<double>(), wc.data_ptr<double>() + r * d);
        const torch::Tensor bc = b.detach().contiguous();
        model.intercept.assign(bc.data_ptr<double>(), bc.data_ptr<double>() + r);
    };

    LogisticFitInfo out;
    std::vector<float> validProba;
    int done = 0;
    for (int step = 1; done < params.maxIter; ++step) {
        const int want = std::min(chunk, params.maxIter - done);
        static_cast<torch::optim::LBFGSOptions&>(opt.param_groups()[0].options()).max_iter(want);
        opt.step(closure);
        const int before = done;
        done = opt.state().empty()
                   ? done
                   : int(static_cast<torch::optim::LBFGSParamState&>(*opt.state().begin()->second).n_iter());
        // The objective and its gradient at the new weights.
        double obj = 0, gmax = 0;
        {
            torch::AutoGradMode enable(true);
            for (auto& v : vars) v.mutable_grad() = torch::Tensor();
            torch::Tensor o = objective();
            o.backward();
            obj = o.item<double>();
            for (auto& v : vars) gmax = std::max(gmax, v.grad().abs().max().item<double>());
        }
        copyWeights();
        out.iterations = done;
        out.objective = obj;
        out.converged = gmax <= params.tol || done - before < want;
        LogisticReport rep;
        rep.step = step;
        rep.iterations = done;
        rep.trainLoss = dataLoss().item<double>();
        rep.objective = obj;
        rep.gradientMax = gmax;
        rep.model = &model;
        if (validation) {
            validProba = model.predictProba(validation->features);
            rep.validationProba = &validProba;
        }
        if (onStep && !onStep(rep)) {
            out.stopped = true;
            break;
        }
        if (out.converged) break;
    }
    if (info) *info = out;
    return model;
}

} // namespace tw::train
