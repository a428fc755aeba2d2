#pragma once
// Random forests and gradient-boosted trees fitted with XGBoost, behind plain
// types: <xgboost/c_api.h> appears only in core/trees/*.cpp.
#include "data/dataset.h"
#include "trees/tree_params.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace tw::trees {

/// Borrowed samples: row-major features (NaN = missing), and the labels
/// (classification, class indices) or the targets (regression).
struct Samples {
    std::span<const float> features; // rows() x columns
    int64_t columns = 0;
    std::span<const int64_t> labels;
    std::span<const float> targets;
    std::span<const float> weights;  // per sample; empty: all 1

    int64_t rows() const { return columns > 0 ? int64_t(features.size()) / columns : 0; }
};
/// A view of a tabular data set (its sampleShape must be {D}); `weights`
/// optional. The data set must outlive the view.
Samples samplesOf(const data::Dataset& d, std::span<const float> weights = {});
/// One weight per sample from one weight per class (class weights).
std::vector<float> sampleWeights(const std::vector<int64_t>& labels, const std::vector<double>& classWeights);

/// What a fit learns: binary:logistic, multi:softprob or reg:squarederror.
struct TreeTask {
    data::Task task = data::Task::Binary;
    int numClasses = 2; // classification: >= 2 (binary exactly 2)

    /// Values per sample of a prediction: numClasses for classification
    /// (probabilities, binary too), 1 for regression.
    int outputs() const { return task == data::Task::Regression ? 1 : numClasses; }
};

/// After each boosting round (gradient boosting) or each chunk of trees
/// (random forest: the forest of the trees grown so far).
struct RoundReport {
    int round = 0;              // 1-based
    int rounds = 0;             // planned
    int trees = 0;              // trees of the model so far
    double trainLoss = 0;       // (weighted) mean log-loss, or mean squared error, on the training samples
    double validationLoss = 0;  // unweighted, on the validation samples; NaN without them
    /// validation rows x TreeTask::outputs(), row-major; empty without validation.
    const std::vector<float>* validationPredictions = nullptr;
};
/// Return false to stop training (pruning, a stop flag): the model keeps the rounds so far.
using RoundCallback = std::function<bool(const RoundReport&)>;

struct FitSummary {
    enum class Stop { Completed, EarlyStopped, Callback };
    Stop stop = Stop::Completed;
    int rounds = 0;     // rounds trained
    int bestRound = 0;  // rounds the model predicts with (1-based; the best by validation loss when early stopping)
    double bestValidationLoss = 0; // NaN without validation
};

/// A fitted ensemble. Copies share the XGBoost booster (it is immutable once fitted).
class TreeModel {
public:
    /// Fits on `train`, reporting each round with the validation predictions
    /// when `validation` is given (needed for early stopping). Random forest:
    /// n_estimators trees in one XGBoost round (num_parallel_tree) grown in
    /// up to 10 equal chunks, each fitted like the first to the gradients at
    /// the base prediction, so after chunk r the model is the forest of its
    /// trees so far. Gradient boosting: n_estimators rounds. Throws
    /// std::invalid_argument for invalid params (naming the key), a task and
    /// data that disagree (a label out of range, wrong sizes, no rows); a
    /// std::runtime_error carrying XGBoost's message when XGBoost fails.
    static TreeModel fit(Ensemble ensemble, const TreeParams& params, const TreeTask& task, const Samples& train,
                         const Samples* validation = nullptr, const RoundCallback& onRound = {},
                         FitSummary* summary = nullptr);

    /// Row-major rows x outputs(): class probabilities, or values. Throws
    /// std::invalid_argument when the column count differs from training.
    std::vector<float> predict(std::span<const float> features, int64_t columns) const;
    /// Mean log-loss (classification) or mean squared error of `s`.
    double loss(const Samples& s) const;

    /// XGBoost's model format by the extension: ".json" JSON, otherwise UBJSON
    /// (".ubj"), with this model's task and rounds as attributes. `rounds` >
    /// 0: the saved model predicts with its first `rounds` rounds (the best
    /// epoch of a trial). Throws tw::IoError, std::invalid_argument for
    /// rounds outside [0, rounds()].
    void save(const std::string& path, int rounds = 0) const;
    /// Throws tw::IoError (unreadable, or not a model saved by save()).
    static TreeModel load(const std::string& path);

    Ensemble ensemble() const;
    TreeTask task() const;
    int64_t numFeatures() const;
    int outputs() const { return task().outputs(); }
    int rounds() const;   // rounds the model predicts with
    int numTrees() const; // trees the model predicts with (per class for multiclass: x numClasses)

    TreeModel(const TreeModel&) = default;
    TreeModel& operator=(const TreeModel&) = default;
    ~TreeModel();

private:
    struct Impl;
    explicit TreeModel(std::shared_ptr<const Impl> impl);
    std::shared_ptr<const Impl> _impl;
};

std::string toString(FitSummary::Stop s); // "completed", "early_stopped", "stopped"
/// "1.7.4": the XGBoost this program links.
std::string xgboostVersion();

} // namespace tw::trees
