#pragma once
// Training and evaluation of a network with LibTorch, behind plain types:
// LibTorch appears only in trainer.cpp.
#include "data/dataset.h"
#include "train/config.h"
#include "train/metrics.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace tw::train {

struct EpochReport {
    int epoch = 0;                 // 1-based
    double trainLoss = Metrics::kNaN; // mean training loss over the epoch's samples
    Metrics validation;            // all NaN in trainAndTest (no validation set there)
    double elapsedSeconds = 0;     // since training started, evaluation included
    double epochSeconds = 0;       // this epoch's training steps alone
    double samplesPerSecond = 0;   // training samples / epochSeconds
};

struct TrainOptions {
    ModelConfig model;
    TrainConfig training;
    /// A Metrics name; early stopping and TrainResult::best follow it
    /// (loss, mse and mae are minimized, the others maximized).
    std::string objectiveMetric = "accuracy";
    int positiveClass = 1;         // class of precision, recall and f1
    /// Copy the trained parameters and buffers into TrainResult::weights
    /// (reproducibility tests); off by default.
    bool returnWeights = false;
    /// trainModel: where to save the model as it was at its best epoch, with
    /// its model card (validation_metrics, best_epoch) at saveBestPath +
    /// ".json", when training completes or stops early; "" saves nothing.
    /// A failed save leaves the result as it is and says why in
    /// TrainResult::saveError.
    std::string saveBestPath;
};

struct TrainCallbacks {
    /// After each epoch; return false to stop (pruning) -> Status::Pruned.
    std::function<bool(const EpochReport&)> onEpoch;
    /// Checked before every batch (training and evaluation): set -> Status::Stopped.
    const std::atomic<bool>* stop = nullptr;
};

struct TrainResult {
    enum class Status { Completed, EarlyStopped, Pruned, Stopped, Failed };
    Status status = Status::Failed;
    std::string reason;            // why it stopped early, was pruned or failed
    std::vector<EpochReport> epochs;
    /// trainModel: validation metrics at the best epoch by the objective
    /// metric (only meaningful for Completed, EarlyStopped and Pruned).
    /// trainAndTest: the test metrics after the last epoch.
    Metrics best;
    int bestEpoch = 0;             // 1-based; 0 when no epoch finished
    std::string device;            // "cpu" or "cuda:0"
    double seconds = 0;            // wall time of the whole call
    double samplesPerSecond = 0;   // training samples per second of training steps
    int64_t parameters = 0;        // trainable parameters
    std::vector<float> weights;    // with TrainOptions::returnWeights
    bool saved = false;            // TrainOptions::saveBestPath written
    std::string saveError;         // why it could not be written
};

/// What a model outputs for each sample, row-major: the class probabilities
/// (classification: `outputs` = the number of classes) or the predicted
/// value (regression: `outputs` = 1).
struct Predictions {
    int outputs = 0;
    std::vector<float> values;
    int64_t size() const { return outputs > 0 ? int64_t(values.size()) / outputs : 0; }
    /// The most probable class of sample i (classification).
    int64_t predictedClass(int64_t i) const;
};

std::string toString(TrainResult::Status s); // "completed", "early_stopped", "pruned", "stopped", "failed"

/// Trains a new network on `train` and evaluates it on `validation` after
/// every epoch. Throws std::invalid_argument naming the field for an invalid
/// configuration or one that does not fit the data (an unknown activation,
/// bce on a multiclass task, a cnn on tabular data, an objective metric of
/// the other task); every failure during training (a loss that became NaN
/// or infinite, a LibTorch error, out of memory) comes back as
/// Status::Failed with the message instead.
TrainResult trainModel(const data::Dataset& train, const data::Dataset& validation, const TrainOptions& options,
                       const TrainCallbacks& callbacks = {});

/// The final fit: trains for the configured epochs on `trainFull` (no
/// validation set: no early stopping, onEpoch sees NaN validation metrics),
/// then evaluates on `test` into `best` (bestEpoch = the last epoch). With a
/// `savePath`, saves the network with torch::save there and, next to it,
/// `savePath + ".json"`: model and training config, task, sample shape,
/// class and feature names, objective and test metrics.
TrainResult trainAndTest(const data::Dataset& trainFull, const data::Dataset& test, const TrainOptions& options,
                         const TrainCallbacks& callbacks = {}, const std::string& savePath = {});

/// Loads a network saved by trainAndTest and evaluates it on `data` (same
/// sample shape and classes). Throws tw::IoError / std::invalid_argument.
Metrics evaluateSaved(const std::string& savePath, const data::Dataset& data, int positiveClass = 1);

/// Loads a model saved by trainAndTest (or TrainOptions::saveBestPath) and
/// predicts every sample of `data` (same sample shape and classes; its
/// labels are not read). Throws tw::IoError / tw::ParseError /
/// std::invalid_argument naming the model file.
Predictions predictSaved(const std::string& savePath, const data::Dataset& data);

/// The training criterion of TrainConfig::loss on plain values, as the
/// trainer computes it: `outputs` row-major (labels.size() x outputsPerSample),
/// `weights` the class weights (empty: none). For tests.
double lossValue(const std::string& loss, const std::vector<float>& outputs, int outputsPerSample,
                 const std::vector<int64_t>& labels, const std::vector<double>& weights = {});

/// "cuda: 1 device(s)" or "cpu (2 threads)".
std::string deviceDescription();
/// The device a TrainConfig::device name ("auto", "cpu", "cuda", "cuda:K")
/// trains on here: "cpu", "cuda:0", ... Throws std::invalid_argument for a
/// CUDA device index this machine does not have.
std::string resolvedDevice(const std::string& name);
/// "1.13.1": the LibTorch this program was built with.
std::string libtorchVersion();
bool cudaAvailable();

} // namespace tw::train
