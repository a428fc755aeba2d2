#pragma once
// Settings of a tree ensemble (random forest or gradient boosting), under
// scikit-learn's and XGBoost's names; round-trips through JSON with those
// names as keys. Plain types: XGBoost appears only in core/trees/*.cpp.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace tw::trees {

enum class Ensemble { RandomForest, GradientBoosting };
std::string toString(Ensemble e);                 // "random_forest", "gradient_boosting"
Ensemble ensembleFromString(const std::string& s); // throws std::invalid_argument listing both

/// scikit-learn's max_features: a fraction of the features, or "sqrt" / "log2"
/// of the feature count.
struct MaxFeatures {
    enum class Rule { Fraction, Sqrt, Log2 };
    Rule rule = Rule::Fraction;
    double fraction = 1.0; // Rule::Fraction: in (0, 1]

    /// The fraction of `features` columns each split considers (XGBoost's
    /// colsample_bynode): sqrt(n) / n or max(1, floor(log2 n)) / n, at most 1.
    double resolve(int64_t features) const;
    nlohmann::json toJson() const;   // the number, or "sqrt" / "log2"
    bool operator==(const MaxFeatures&) const = default;
};

/// JSON keys are the snake_case names in the comments.
struct TreeParams {
    int nEstimators = 100;        // n_estimators: trees of the forest, or boosting rounds; 1..100000
    int maxDepth = 6;             // max_depth: 1..64
    /// min_samples_split, as scikit-learn's float form: a node with fewer
    /// than ceil(min_samples_split * n) of the n training samples is not
    /// split. An integer >= 2 is scikit-learn's count form; 0 = off. XGBoost
    /// bounds the children, not the parent, so it becomes min_child_weight =
    /// (hessian of one sample at the base prediction: 1/4 binary, 2p(1-p)
    /// with p = 1/K multiclass, 1 regression) x (mean sample weight) x count
    /// / 2: a node of fewer samples than the count cannot be split (a child
    /// would hold under half of it), and a larger one only into children of
    /// at least half the count each, which is stricter than scikit-learn for
    /// lopsided splits: from 0.5 on no node can be split at all, where
    /// scikit-learn still splits a bootstrap's root (about 0.632 n distinct
    /// samples) up to 0.632. The count is not scaled by subsample, as scikit-learn
    /// compares it with the distinct samples of a bootstrap (about 63.2%
    /// of n at the root): min_samples_split 1.0 grows no split in either.
    /// Exact in mass for a random forest (every tree starts from the base
    /// prediction); in later boosting rounds the hessians of well-fitted
    /// samples shrink, so the bound then asks for more samples. The larger of
    /// this and min_child_weight is used.
    double minSamplesSplit = 0;
    MaxFeatures maxFeatures;      // max_features -> colsample_bynode; number in (0, 1], "sqrt" or "log2"
    double learningRate = 0.3;    // learning_rate (eta), (0, 1]; a random forest always uses 1
    double subsample = 1.0;       // subsample: rows per tree, drawn without replacement, (0, 1]
    double colsampleBytree = 1.0; // colsample_bytree: (0, 1]
    double minChildWeight = 1.0;  // min_child_weight: hessian mass per child, >= 0
    double regLambda = 1.0;       // reg_lambda: L2 on leaf values, >= 0
    double regAlpha = 0.0;        // reg_alpha: L1 on leaf values, >= 0
    /// early_stopping_rounds: gradient boosting stops after this many rounds
    /// without a lower validation loss and keeps the best round; 0 = off.
    /// A random forest must leave it at 0.
    int earlyStoppingRounds = 0;
    uint64_t seed = 0;            // seed
    int threads = 0;              // threads: 0 = XGBoost's default (all cores)

    /// scikit-learn's RandomForestClassifier defaults where XGBoost allows
    /// them (max_features "sqrt"), rows subsampled at 0.632 (the share of
    /// distinct rows in a bootstrap sample), max_depth 6.
    static TreeParams randomForest();
    /// XGBoost's defaults: learning_rate 0.3, max_depth 6, all rows and features.
    static TreeParams gradientBoosting();
    static TreeParams defaults(Ensemble e);

    /// Throws std::invalid_argument naming the key and the rule:
    /// "model: 'max_depth' must be in 1..64 (max_depth = 0)".
    void validate(Ensemble e) const;
    nlohmann::json toJson() const;
    /// Starts from defaults(e); unknown keys and wrong types are errors naming
    /// the key (and `source` when given); validates.
    static TreeParams fromJson(const nlohmann::json& j, Ensemble e, const std::string& source = {});
    /// Overrides one setting by its key (an int accepts 64.0). Throws
    /// std::invalid_argument naming the key when it is unknown or the value
    /// has the wrong type; does not validate.
    void set(const std::string& key, const nlohmann::json& value);
    static bool hasKey(const std::string& key);
    static const std::vector<std::string>& keys();
};

} // namespace tw::trees
