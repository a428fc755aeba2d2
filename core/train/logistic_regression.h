#pragma once
// L2-penalized logistic regression fitted by full-batch L-BFGS (LibTorch's,
// with a strong-Wolfe line search), as scikit-learn's
// LogisticRegression(solver="lbfgs"). Plain types: LibTorch appears only in
// logistic_regression.cpp.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace tw::train {

/// JSON keys: C, fit_intercept, max_iter, tol.
struct LogisticParams {
    /// Inverse penalty, as scikit-learn: the fit minimizes
    /// sum_i s_i * logloss_i + ||W||^2 / (2 C) (intercept not penalized),
    /// s_i the sample weights. > 0.
    double c = 1.0;
    bool fitIntercept = true;
    int maxIter = 100;  // L-BFGS iterations, 1..100000
    /// Converged when the largest gradient component of the objective
    /// divided by sum_i s_i falls to tol (scikit-learn's gtol); > 0.
    double tol = 1e-4;

    /// Throws std::invalid_argument naming the key and the rule:
    /// "model: 'C' must be > 0 (C = 0)".
    void validate() const;
    nlohmann::json toJson() const;
    /// Unknown keys and wrong types are errors naming the key; validates.
    static LogisticParams fromJson(const nlohmann::json& j, const std::string& source = {});
    /// Overrides one setting by its key; does not validate.
    void set(const std::string& key, const nlohmann::json& value);
    static bool hasKey(const std::string& key);
    static const std::vector<std::string>& keys();
};

/// The fitted weights. Two classes: one row (the logit of class 1, as
/// scikit-learn's coef_ for a binary problem); more: one row per class
/// (multinomial softmax).
struct LogisticModel {
    int numClasses = 2;
    int64_t numFeatures = 0;
    std::vector<double> coef;      // rows() x numFeatures, row-major
    std::vector<double> intercept; // rows(); zeros without fit_intercept

    int rows() const { return numClasses == 2 ? 1 : numClasses; }
    /// Row-major samples x numClasses class probabilities. Throws
    /// std::invalid_argument when the value count is not a multiple of numFeatures.
    std::vector<float> predictProba(std::span<const float> features) const;
    /// The most probable class of each sample.
    std::vector<int64_t> predict(std::span<const float> features) const;

    nlohmann::json toJson() const;
    /// Throws std::invalid_argument naming the key that is missing or wrong.
    static LogisticModel fromJson(const nlohmann::json& j);
    /// A JSON file {"num_classes", "num_features", "coef", "intercept"}.
    /// Throws tw::IoError / tw::ParseError naming the file.
    void save(const std::string& path) const;
    static LogisticModel load(const std::string& path);
};

/// After each chunk of L-BFGS iterations.
struct LogisticReport {
    int step = 0;          // 1-based chunk
    int iterations = 0;    // L-BFGS iterations so far
    double trainLoss = 0;  // weighted mean log-loss on the training samples (penalty excluded)
    double objective = 0;  // the minimized objective / sum_i s_i
    double gradientMax = 0; // its largest gradient component
    /// validation samples x numClasses; empty without validation samples.
    const std::vector<float>* validationProba = nullptr;
    const LogisticModel* model = nullptr; // the weights so far
};

struct LogisticData {
    std::span<const float> features; // rows x numFeatures, row-major, finite
    int64_t numFeatures = 0;
    std::span<const int64_t> labels; // in [0, numClasses)
    std::span<const float> weights;  // per sample (class weights spread over the samples); empty: all 1
    int64_t rows() const { return numFeatures > 0 ? int64_t(features.size()) / numFeatures : 0; }
};

struct LogisticFitInfo {
    int iterations = 0;  // L-BFGS iterations run
    bool converged = false;
    bool stopped = false; // the callback returned false
    double objective = 0;
};

/// Fits the model. The iterations run in `steps` chunks (each
/// ceil(max_iter / steps) iterations of the same L-BFGS run: its history
/// carries over), with a report after each; the callback returning false
/// stops the fit with the weights so far. Throws std::invalid_argument for
/// invalid params (naming the key) or data (sizes, a label out of range, a
/// non-finite value, fewer than 2 classes).
LogisticModel fitLogistic(const LogisticParams& params, int numClasses, const LogisticData& train,
                          const LogisticData* validation = nullptr,
                          const std::function<bool(const LogisticReport&)>& onStep = {}, int steps = 10,
                          LogisticFitInfo* info = nullptr);

} // namespace tw::train
