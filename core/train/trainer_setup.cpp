#include "train/trainer_setup.h"

#include "train/model_family.h"
#include "util/errors.h"
#include "util/json_read.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tw::train {

using nlohmann::json;

std::string shapeText(const std::vector<int64_t>& s)
{
    std::string t = "{";
    for (size_t i = 0; i < s.size(); ++i) {
        if (i) t += ',';
        t += std::to_string(s[i]);
    }
    return t + "}";
}

namespace {

void checkOther(const data::Dataset& train, const data::Dataset& other, const std::string& name)
{
    try {
        other.validate();
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(name + " data: " + e.what());
    }
    if (other.size() == 0) throw std::invalid_argument(name + " data: no samples");
    if (other.sampleShape != train.sampleShape)
        throw std::invalid_argument(name + " data: sample shape " + shapeText(other.sampleShape) +
                                    " differs from the training data's " + shapeText(train.sampleShape));
    if (other.task != train.task || other.numClasses() != train.numClasses())
        throw std::invalid_argument(name + " data: task " + data::toString(other.task) + " with " +
                                    std::to_string(other.numClasses()) + " classes differs from the training data's (" +
                                    data::toString(train.task) + ", " + std::to_string(train.numClasses()) +
                                    " classes)");
}

} // namespace

void checkCommon(const data::Dataset& train, const data::Dataset* other, const TrainOptions& o,
                 const std::string& otherName)
{
    o.model.validate();
    o.training.validate();
    try {
        train.validate();
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument(std::string("training data: ") + e.what());
    }
    if (train.size() == 0) throw std::invalid_argument("training data: no samples");
    if (other) checkOther(train, *other, otherName);
    const bool classification = train.isClassification();
    const int numClasses = classification ? train.numClasses() : 0;
    const std::string task = data::toString(train.task);
    if (classification && numClasses < 2)
        throw std::invalid_argument("training data: a classification task needs at least 2 classes (" +
                                    std::to_string(numClasses) + ")");
    if (!Metrics::isName(o.objectiveMetric)) {
        try {
            Metrics().get(o.objectiveMetric);
        } catch (const std::invalid_argument& e) { // names the metrics there are
            throw std::invalid_argument(std::string("objective: ") + e.what());
        }
    }
    if (!Metrics::appliesTo(o.objectiveMetric, classification))
        throw std::invalid_argument("objective: metric '" + o.objectiveMetric + "' does not apply to a " + task +
                                    " task");
    if (classification && (o.positiveClass < 0 || o.positiveClass >= numClasses))
        throw std::invalid_argument("objective: 'positive_class' must be in 0.." + std::to_string(numClasses - 1) +
                                    " (positive_class = " + std::to_string(o.positiveClass) + ")");
    modelFamily(o.model.family).checkData(o.model, train);
}

Plan makePlan(const data::Dataset& train, const data::Dataset* other, const TrainOptions& o,
              const std::string& otherName, InputKind input, bool batchNorm)
{
    checkCommon(train, other, o, otherName);
    Plan p;
    p.input = input;
    p.batchNorm = batchNorm;
    p.classification = train.isClassification();
    p.numClasses = p.classification ? train.numClasses() : 0;
    p.sampleShape = train.sampleShape;
    p.vocabulary = train.vocabulary;
    p.vocabularySize = int64_t(train.vocabulary.size());
    const std::string task = data::toString(train.task);

    const std::string& loss = o.training.loss;
    if (loss == "auto") p.lossName = p.classification ? "cross_entropy" : "mse";
    else p.lossName = loss;
    if (p.lossName == "cross_entropy" && !p.classification)
        throw std::invalid_argument("training: 'loss' cross_entropy needs a classification task (task = " + task + ")");
    if (p.lossName == "bce" && !(p.classification && p.numClasses == 2))
        throw std::invalid_argument("training: 'loss' bce needs a binary task (task = " + task + ", " +
                                    std::to_string(p.numClasses) + " classes)");
    p.loss = p.lossName == "cross_entropy" ? LossKind::CrossEntropy : p.lossName == "bce" ? LossKind::Bce : LossKind::Mse;
    p.outputs = (p.loss == LossKind::Bce || !p.classification) ? 1 : p.numClasses;

    if (o.training.classWeights != "none" && !p.classification)
        throw std::invalid_argument("training: 'class_weights' needs a classification task (task = " + task + ")");
    if (p.classification) p.classWeights = o.training.classWeightValues(train.classCounts());

    if (o.training.device == "cuda" && !cudaAvailable())
        throw std::invalid_argument("training: 'device' cuda is not available here (device = 'cuda')");
    p.device = o.training.device == "cpu" ? "cpu" : cudaAvailable() ? "cuda" : "cpu";

    const int64_t n = train.size();
    const int64_t batch = std::min<int64_t>(o.training.batchSize, n);
    if (p.batchNorm && n < 2)
        throw std::invalid_argument("model: 'batch_norm' needs at least 2 training samples (" + std::to_string(n) +
                                    ")");
    p.batchesPerEpoch = (n + batch - 1) / batch;
    if (p.batchNorm && n % batch == 1) --p.batchesPerEpoch; // a last batch of one sample is skipped
    return p;
}

void shuffleInPlace(std::vector<int64_t>& v, std::mt19937_64& rng)
{
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[size_t(rng() % i)]);
}

json modelCardFields(const TrainOptions& o, const data::Dataset& trainFull, const Metrics& metrics, int64_t parameters,
                     const std::string& loss, int outputs, const std::vector<double>& classWeights)
{
    return json{{"format", "tw-model"},
                {"version", 1},
                {"dataset", trainFull.name},
                {"task", data::toString(trainFull.task)},
                {"sample_shape", trainFull.sampleShape},
                {"class_names", trainFull.classNames},
                {"feature_names", trainFull.featureNames},
                {"model", o.model.toJson()},
                {"training", o.training.toJson()},
                {"loss", loss},
                {"outputs", outputs},
                {"class_weight_values", classWeights},
                {"objective_metric", o.objectiveMetric},
                {"positive_class", o.positiveClass},
                {"parameters", parameters},
                {"training_samples", trainFull.size()},
                {"test_metrics", metrics.toJson()}};
}

json modelCard(const Plan& plan, const TrainOptions& o, const data::Dataset& trainFull, const Metrics& test,
               int64_t parameters)
{
    json j = modelCardFields(o, trainFull, test, parameters, plan.lossName, plan.outputs, plan.classWeights);
    j["vocabulary_size"] = int64_t(trainFull.vocabulary.size());
    j["batch_norm"] = plan.batchNorm;
    return j;
}

void markAsTuningModel(json& card, int bestEpoch)
{
    card["validation_metrics"] = card.value("test_metrics", json::object());
    card.erase("test_metrics");
    card["best_epoch"] = bestEpoch;
}

json readModelCardJson(const std::string& path)
{
    std::ifstream in(path);
    if (!in) throw IoError(path + ": cannot open");
    std::stringstream text;
    text << in.rdbuf();
    const json j = parseJson(text.str(), path);
    if (!j.is_object() || j.value("format", "") != "tw-model")
        throw ParseError(path + ": not a model card (format != tw-model)");
    return j;
}

void checkCardData(const std::string& path, const json& card, const data::Dataset& data)
{
    std::vector<int64_t> shape;
    bool classification = true;
    int numClasses = 0;
    try {
        shape = card.at("sample_shape").get<std::vector<int64_t>>();
        classification = data::taskFromString(card.at("task").get<std::string>()) != data::Task::Regression;
        numClasses = int(card.at("class_names").size());
    } catch (const json::exception& e) {
        throw ParseError(path + ": " + e.what());
    }
    const int64_t vocabulary = card.value("vocabulary_size", int64_t(0));
    if (vocabulary > 0 && int64_t(data.vocabulary.size()) != vocabulary)
        throw std::invalid_argument(path + ": the model reads token ids of a " + std::to_string(vocabulary) +
                                    "-token vocabulary; the data has " + std::to_string(data.vocabulary.size()) +
                                    " tokens (preprocess it with the model's fitted preprocessing)");
    if (data.sampleShape != shape)
        throw std::invalid_argument(path + ": the model takes samples of shape " + shapeText(shape) +
                                    ", the data has " + shapeText(data.sampleShape));
    if (data.isClassification() != classification || (classification && data.numClasses() != numClasses))
        throw std::invalid_argument(path + ": the model was trained for a " + std::to_string(numClasses) +
                                    "-class task, the data has task " + data::toString(data.task) + " with " +
                                    std::to_string(data.numClasses()) + " classes");
    data.validate();
}

SavedModel savedModelFromCard(const std::string& path, const json& j, const data::Dataset& data, InputKind input)
{
    SavedModel s;
    try {
        s.options.model = ModelConfig::fromJson(j.at("model"), path);
        s.options.training = TrainConfig::fromJson(j.at("training"), path);
        s.options.training.device = "cpu";
        s.options.objectiveMetric = j.at("objective_metric").get<std::string>();
        s.options.positiveClass = j.at("positive_class").get<int>();
        Plan& p = s.plan;
        p.sampleShape = j.at("sample_shape").get<std::vector<int64_t>>();
        p.lossName = j.at("loss").get<std::string>();
        p.loss = p.lossName == "bce" ? LossKind::Bce : p.lossName == "mse" ? LossKind::Mse : LossKind::CrossEntropy;
        p.outputs = j.at("outputs").get<int>();
        p.classWeights = j.at("class_weight_values").get<std::vector<double>>();
        p.classification = data::taskFromString(j.at("task").get<std::string>()) != data::Task::Regression;
        p.numClasses = int(j.at("class_names").size());
        p.input = input;
        p.batchNorm = j.value("batch_norm", false);
        p.vocabularySize = j.value("vocabulary_size", int64_t(0));
    } catch (const json::exception& e) {
        throw ParseError(path + ": " + e.what());
    }
    checkCardData(path, j, data);
    return s;
}

std::string toString(TrainResult::Status s)
{
    switch (s) {
    case TrainResult::Status::Completed: return "completed";
    case TrainResult::Status::EarlyStopped: return "early_stopped";
    case TrainResult::Status::Pruned: return "pruned";
    case TrainResult::Status::Stopped: return "stopped";
    case TrainResult::Status::Failed: return "failed";
    }
    return "failed";
}

} // namespace tw::train
