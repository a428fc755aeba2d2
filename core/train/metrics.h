#pragma once
// Evaluation metrics on plain vectors (no LibTorch), following scikit-learn's
// definitions with zero_division = 0.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace tw::train {

/// Metrics of one evaluation. Those that do not apply to the task are NaN
/// (classification: loss, accuracy, precision, recall, f1 of the positive
/// class, their _macro and _weighted averages, balanced_accuracy; regression:
/// loss, mse, mae, r2).
struct Metrics {
    static constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    double loss = kNaN;             // the training criterion on this data
    double accuracy = kNaN;
    double precision = kNaN;        // of the positive class (one-vs-rest when multiclass)
    double recall = kNaN;           // of the positive class
    double f1 = kNaN;               // of the positive class
    double f1Macro = kNaN;          // mean F1 over the classes present in truth or prediction
    double f1Weighted = kNaN;       // F1 per class weighted by its true count
    double precisionMacro = kNaN;   // mean precision over the classes present in truth or prediction
    double precisionWeighted = kNaN;
    double recallMacro = kNaN;      // mean recall over the classes present in truth or prediction
    double recallWeighted = kNaN;   // equals accuracy (as scikit-learn)
    double balancedAccuracy = kNaN; // mean recall over the classes present in truth
    double mse = kNaN;
    double mae = kNaN;
    double r2 = kNaN;

    /// The metrics that apply (NaN ones left out), snake_case keys.
    nlohmann::json toJson() const;
    static Metrics fromJson(const nlohmann::json& j);
    /// By snake_case name; NaN when it does not apply. Throws
    /// std::invalid_argument listing the names for an unknown one.
    double get(const std::string& name) const;

    /// "loss", "accuracy", ... in this order.
    static const std::vector<std::string>& names();
    static bool isName(const std::string& name);
    /// True for loss, mse and mae (lower is better); false for the others.
    static bool minimizes(const std::string& name);
    /// True when `name` is defined for classification (resp. regression).
    static bool appliesTo(const std::string& name, bool classification);
    /// True for precision, recall and f1: the metrics of one positive class.
    static bool usesPositiveClass(const std::string& name);
    /// What people read: "F1 (class 'spam')" (`positiveClass` empty: "F1
    /// (second class)"), "F1 (macro)", "precision (weighted)", "accuracy",
    /// "validation loss" (never plain "loss": a search parameter may be the
    /// loss function). `name` as names(); an unknown name is returned as is.
    static std::string label(const std::string& name, const std::string& positiveClass = {});
    /// [lowest, highest] possible value (-inf / inf when unbounded): the
    /// axes of a chart stay within them.
    static std::pair<double, double> range(const std::string& name);
};

/// Classification metrics from true and predicted class indices in
/// [0, numClasses). `positiveClass` is the class of precision, recall and f1.
/// `loss` is copied into the result.
Metrics classificationMetrics(const std::vector<int64_t>& truth, const std::vector<int64_t>& predicted,
                              int numClasses, int positiveClass, double loss);

/// Regression metrics; r2 as scikit-learn (1 for a perfect fit of constant
/// targets, 0 for an imperfect one).
Metrics regressionMetrics(const std::vector<float>& truth, const std::vector<float>& predicted, double loss);

/// scikit-learn's "balanced" class weights: n / (k * count_c), with
/// n = sum of counts and k = number of classes; 1 for a class with no sample.
std::vector<double> balancedClassWeights(const std::vector<int64_t>& classCounts);

/// Reference class-weighted cross-entropy on plain values (tests): row-major
/// logits (labels.size() x numClasses); with weights w, the mean
/// sum_i w[y_i] * (logsumexp(z_i) - z_i[y_i]) / sum_i w[y_i], as PyTorch's
/// CrossEntropyLoss(weight=w). Empty weights: all 1.
double weightedCrossEntropy(const std::vector<float>& logits, int numClasses, const std::vector<int64_t>& labels,
                            const std::vector<double>& weights = {});

} // namespace tw::train
