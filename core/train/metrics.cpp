#include "train/metrics.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace tw::train {

using nlohmann::json;

namespace {

double ratio(double num, double den)
{
    return den > 0 ? num / den : 0.0; // zero_division = 0
}

double f1Of(double tp, double fp, double fn)
{
    const double p = ratio(tp, tp + fp), r = ratio(tp, tp + fn);
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
}

double* field(Metrics& m, const std::string& name)
{
    if (name == "loss") return &m.loss;
    if (name == "accuracy") return &m.accuracy;
    if (name == "precision") return &m.precision;
    if (name == "recall") return &m.recall;
    if (name == "f1") return &m.f1;
    if (name == "f1_macro") return &m.f1Macro;
    if (name == "f1_weighted") return &m.f1Weighted;
    if (name == "precision_macro") return &m.precisionMacro;
    if (name == "precision_weighted") return &m.precisionWeighted;
    if (name == "recall_macro") return &m.recallMacro;
    if (name == "recall_weighted") return &m.recallWeighted;
    if (name == "balanced_accuracy") return &m.balancedAccuracy;
    if (name == "mse") return &m.mse;
    if (name == "mae") return &m.mae;
    if (name == "r2") return &m.r2;
    return nullptr;
}

std::string nameList()
{
    std::string s;
    for (const auto& n : Metrics::names()) s += (s.empty() ? "" : ", ") + n;
    return s;
}

} // namespace

const std::vector<std::string>& Metrics::names()
{
    static const std::vector<std::string> kNames{"loss",           "accuracy",           "precision",
                                                 "recall",         "f1",                 "f1_macro",
                                                 "f1_weighted",    "precision_macro",    "precision_weighted",
                                                 "recall_macro",   "recall_weighted",    "balanced_accuracy",
                                                 "mse",            "mae",                "r2"};
    return kNames;
}

bool Metrics::isName(const std::string& name)
{
    return std::find(names().begin(), names().end(), name) != names().end();
}

bool Metrics::minimizes(const std::string& name)
{
    return name == "loss" || name == "mse" || name == "mae";
}

bool Metrics::appliesTo(const std::string& name, bool classification)
{
    if (name == "loss") return true;
    const bool regressionOnly = name == "mse" || name == "mae" || name == "r2";
    return isName(name) && regressionOnly != classification;
}

bool Metrics::usesPositiveClass(const std::string& name)
{
    return name == "precision" || name == "recall" || name == "f1";
}

std::string Metrics::label(const std::string& name, const std::string& positiveClass)
{
    if (name == "loss") return "validation loss";
    if (name == "balanced_accuracy") return "balanced accuracy";
    if (name == "mse" || name == "mae") return name == "mse" ? "MSE" : "MAE";
    if (name == "r2") return "R²";
    for (const char* base : {"precision", "recall", "f1"}) {
        const std::string b = base;
        const std::string shown = b == "f1" ? "F1" : b;
        if (name == b)
            return shown + (positiveClass.empty() ? " (second class)" : " (class '" + positiveClass + "')");
        if (name == b + "_macro") return shown + " (macro)";
        if (name == b + "_weighted") return shown + " (weighted)";
    }
    return name;
}

std::pair<double, double> Metrics::range(const std::string& name)
{
    constexpr double inf = std::numeric_limits<double>::infinity();
    if (name == "loss" || name == "mse" || name == "mae") return {0.0, inf};
    if (name == "r2") return {-inf, 1.0};
    if (isName(name)) return {0.0, 1.0}; // accuracy, precision, recall, f1 and their averages
    return {-inf, inf};
}

double Metrics::get(const std::string& name) const
{
    const double* p = field(const_cast<Metrics&>(*this), name);
    if (!p) throw std::invalid_argument("unknown metric '" + name + "' (expected one of " + nameList() + ")");
    return *p;
}

json Metrics::toJson() const
{
    json j = json::object();
    for (const auto& n : names()) {
        const double v = get(n);
        if (!std::isnan(v)) j[n] = v;
    }
    return j;
}

Metrics Metrics::fromJson(const json& j)
{
    Metrics m;
    if (!j.is_object()) throw std::invalid_argument("metrics: must be a JSON object");
    for (const auto& item : j.items()) {
        double* p = field(m, item.key());
        if (!p) throw std::invalid_argument("metrics: unknown metric '" + item.key() + "' (expected one of " +
                                            nameList() + ")");
        if (!item.value().is_number())
            throw std::invalid_argument("metrics: '" + item.key() + "' must be a number (got " + item.value().dump() +
                                        ")");
        *p = item.value().get<double>();
    }
    return m;
}

Metrics classificationMetrics(const std::vector<int64_t>& truth, const std::vector<int64_t>& predicted,
                              int numClasses, int positiveClass, double loss)
{
    if (truth.size() != predicted.size())
        throw std::invalid_argument("metrics: " + std::to_string(truth.size()) + " labels but " +
                                    std::to_string(predicted.size()) + " predictions");
    if (numClasses < 1) throw std::invalid_argument("metrics: need at least one class");
    if (positiveClass < 0 || positiveClass >= numClasses)
        throw std::invalid_argument("metrics: positive class " + std::to_string(positiveClass) + " is not in 0.." +
                                    std::to_string(numClasses - 1));
    const auto k = size_t(numClasses);
    // Per class: true positives, predicted count, true count.
    std::vector<double> tp(k, 0), predictedCount(k, 0), trueCount(k, 0);
    double correct = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
        const int64_t t = truth[i], p = predicted[i];
        if (t < 0 || t >= numClasses || p < 0 || p >= numClasses)
            throw std::invalid_argument("metrics: class index out of range at sample " + std::to_string(i));
        trueCount[size_t(t)] += 1;
        predictedCount[size_t(p)] += 1;
        if (t == p) {
            tp[size_t(t)] += 1;
            correct += 1;
        }
    }
    Metrics m;
    m.loss = loss;
    m.accuracy = ratio(correct, double(truth.size()));
    const auto c = size_t(positiveClass);
    m.precision = ratio(tp[c], predictedCount[c]);
    m.recall = ratio(tp[c], trueCount[c]);
    m.f1 = f1Of(tp[c], predictedCount[c] - tp[c], trueCount[c] - tp[c]);
    double f1Sum = 0, precisionSum = 0, recallOfPresent = 0, recallSum = 0;
    double f1Weighted = 0, precisionWeighted = 0, recallWeighted = 0;
    int f1Classes = 0, recallClasses = 0;
    for (size_t j = 0; j < k; ++j) {
        if (trueCount[j] > 0 || predictedCount[j] > 0) {
            // scikit-learn's labels: those in truth or prediction; weights: true counts.
            const double f = f1Of(tp[j], predictedCount[j] - tp[j], trueCount[j] - tp[j]);
            const double p = ratio(tp[j], predictedCount[j]), r = ratio(tp[j], trueCount[j]);
            f1Sum += f;
            precisionSum += p;
            recallOfPresent += r;
            f1Weighted += trueCount[j] * f;
            precisionWeighted += trueCount[j] * p;
            recallWeighted += trueCount[j] * r;
            ++f1Classes;
        }
        if (trueCount[j] > 0) {
            recallSum += tp[j] / trueCount[j];
            ++recallClasses;
        }
    }
    m.f1Macro = ratio(f1Sum, f1Classes);
    m.precisionMacro = ratio(precisionSum, f1Classes);
    m.recallMacro = ratio(recallOfPresent, f1Classes);
    const double n = double(truth.size());
    m.f1Weighted = ratio(f1Weighted, n);
    m.precisionWeighted = ratio(precisionWeighted, n);
    m.recallWeighted = ratio(recallWeighted, n);
    m.balancedAccuracy = ratio(recallSum, recallClasses);
    return m;
}

Metrics regressionMetrics(const std::vector<float>& truth, const std::vector<float>& predicted, double loss)
{
    if (truth.size() != predicted.size())
        throw std::invalid_argument("metrics: " + std::to_string(truth.size()) + " targets but " +
                                    std::to_string(predicted.size()) + " predictions");
    Metrics m;
    m.loss = loss;
    if (truth.empty()) return m;
    const double n = double(truth.size());
    double mean = 0;
    for (float t : truth) mean += t;
    mean /= n;
    double se = 0, ae = 0, ssTot = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
        const double d = double(predicted[i]) - double(truth[i]);
        se += d * d;
        ae += std::fabs(d);
        ssTot += (double(truth[i]) - mean) * (double(truth[i]) - mean);
    }
    m.mse = se / n;
    m.mae = ae / n;
    m.r2 = ssTot > 0 ? 1.0 - se / ssTot : (se == 0 ? 1.0 : 0.0);
    return m;
}

std::vector<double> balancedClassWeights(const std::vector<int64_t>& classCounts)
{
    double n = 0;
    for (int64_t c : classCounts) n += double(c);
    const double k = double(classCounts.size());
    std::vector<double> w;
    w.reserve(classCounts.size());
    for (int64_t c : classCounts) w.push_back(c > 0 ? n / (k * double(c)) : 1.0);
    return w;
}

double weightedCrossEntropy(const std::vector<float>& logits, int numClasses, const std::vector<int64_t>& labels,
                            const std::vector<double>& weights)
{
    if (numClasses < 1 || logits.size() != labels.size() * size_t(numClasses))
        throw std::invalid_argument("weightedCrossEntropy: logits must hold labels.size() x numClasses values");
    double num = 0, den = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
        const float* z = logits.data() + i * size_t(numClasses);
        const double zmax = *std::max_element(z, z + numClasses);
        double s = 0;
        for (int c = 0; c < numClasses; ++c) s += std::exp(double(z[c]) - zmax);
        const double nll = zmax + std::log(s) - double(z[labels[i]]);
        const double w = weights.empty() ? 1.0 : weights.at(size_t(labels[i]));
        num += w * nll;
        den += w;
    }
    return ratio(num, den);
}

} // namespace tw::train
