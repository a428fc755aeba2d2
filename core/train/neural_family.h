#pragma once
// Internal to core/train, and the one header that includes LibTorch: the
// base of the families trained as networks (mlp, cnn, the text models).
// They share trainer.cpp's loop (optimizer, schedule, loss, class weights,
// early stopping, pruning, stop flag, saving); a family adds how its network
// is built and how samples enter it. Include it only from the .cpp of such a
// family: LibTorch's headers cost ~30 s of compile time per file.
#include "train/model_family.h"
#include "train/trainer_setup.h"

#include <torch/nn.h>

namespace tw::train {

class NeuralFamily : public ModelFamily {
public:
    /// The network for this plan: takes a batch as the plan's input kind
    /// gives it and returns {N, plan.outputs}.
    virtual torch::nn::Sequential buildNetwork(const ModelConfig& model, const Plan& plan) const = 0;
    /// How samples enter the network.
    virtual InputKind input() const { return InputKind::Rows; }
    /// Whether the network has batch-norm layers (a last batch of one sample
    /// is then skipped).
    virtual bool batchNorm(const ModelConfig& model) const;

    bool usesTrainingSetting(const std::string&) const override { return true; }
    TrainResult train(const data::Dataset& train, const data::Dataset& validation, const TrainOptions& options,
                      const TrainCallbacks& callbacks) const override;
    TrainResult trainAndTest(const data::Dataset& trainFull, const data::Dataset& test, const TrainOptions& options,
                             const TrainCallbacks& callbacks, const std::string& savePath) const override;
    Metrics evaluateSaved(const std::string& savePath, const nlohmann::json& card, const data::Dataset& data,
                          int positiveClass) const override;
    Predictions predictSaved(const std::string& savePath, const nlohmann::json& card,
                             const data::Dataset& data) const override;
};

} // namespace tw::train
