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
    /// than c = ceil(min_samples_split * n) of the n training samples is not
    /// split. An integer >= 2 is scikit-learn's count form (c itself); 0 =
    /// off. XGBoost cannot bound the parent, only each child
    /// (min_child_weight, a hessian mass), so c becomes children of at least
    ///   c / 4 samples when a tree holds c or more rows (subsample x n), and
    ///   c / 2 samples when it holds fewer (no node of a tree can then hold
    ///   c, so no split, as in scikit-learn),
    /// in hessian units: x (hessian of one sample at the base prediction:
    /// 1/4 binary, 2p(1-p) with p = 1/K multiclass, 1 regression) x (mean
    /// sample weight). The larger of this and min_child_weight is used (its
    /// default 1 is 4 samples per child of a binary task: with it, counts
    /// below 16 change nothing).
    /// Limits: a node of at least c samples can still be split only into
    /// children of at least c / 4 each (scikit-learn: any split), and one of
    /// c / 2 to c samples can be split too (scikit-learn: not); c / 4 is
    /// where the two errors balance on the Titanic split against
    /// scikit-learn's RandomForestClassifier (max_depth 5, 100 trees, mean
    /// over seeds: validation accuracy within 0.02 for 0.1-1.0; leaves per
    /// tree, ours / scikit-learn's, 8.2 / 10.1 at 0.1, 4.1 / 4.0 at 0.3,
    /// 2.9 / 2.1 at 0.5, 1 / 1 from 0.7; c / 2 forbade the lopsided splits and grew no useful split from
    /// 0.5 on, where scikit-learn splits each bootstrap's root). A forest's
    /// trees hold 63.2% of the rows, as scikit-learn compares c with the
    /// distinct samples of a bootstrap (about 63.2% of n at the root), so
    /// from about 0.64 on neither splits (1.0: no split); with subsample 1
    /// a root of all n rows splits at 1.0, as scikit-learn's bootstrap=False.
    /// Exact in mass for a random forest (every tree starts from the base
    /// prediction); in later boosting rounds the hessians of well-fitted
    /// samples shrink, so the bound then asks for more samples.
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
