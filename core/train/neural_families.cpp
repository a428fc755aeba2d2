// The multilayer perceptron and the convolutional network: their settings
// and how their networks are built. trainer.cpp trains them.
#include "train/families.h"
#include "train/neural_family.h"

#include <numeric>

namespace tw::train {

namespace {

namespace nn = torch::nn;
using nlohmann::json;

constexpr int kMaxConvBlocks = 6;

/// mlp: flatten -> hidden_layers x [Linear(units) -> BatchNorm1d (if
/// batch_norm) -> activation -> Dropout(dropout)] -> Linear(outputs).
class MlpFamily final : public NeuralFamily {
public:
    MlpFamily()
    {
        _settings.push_back(rangeSetting("hidden_layers", SettingType::Int, 2, 0, 8, 0, 4, false, "Hidden layers (0: a linear model)."));
        _settings.push_back(rangeSetting("units", SettingType::Int, 64, 1, 1 << 20, 16, 512, true, "Width of every hidden layer."));
        _settings.push_back(choiceSetting("activation", "relu", {"relu", "tanh", "sigmoid", "gelu"},
                                          "Activation after each hidden layer."));
        _settings.push_back(dropoutSetting("dropout", 0.0, "Dropout after each hidden layer."));
        _settings.push_back(boolSetting("batch_norm", false, "Batch normalization after each hidden layer."));
    }
    std::string name() const override { return "mlp"; }
    std::string label() const override { return "Multilayer perceptron"; }
    const std::vector<SettingInfo>& settings() const override { return _settings; }

    nn::Sequential buildNetwork(const ModelConfig& m, const Plan& plan) const override
    {
        nn::Sequential net;
        const auto& shape = plan.sampleShape;
        int64_t in = std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<>());
        const int layers = m.integer("hidden_layers"), units = m.integer("units");
        const std::string activation = m.text("activation");
        const double dropout = m.number("dropout");
        const bool batchNorm = m.flag("batch_norm");
        for (int l = 0; l < layers; ++l) {
            net->push_back(nn::Linear(in, units));
            if (batchNorm) net->push_back(nn::BatchNorm1d(units));
            if (activation == "relu") net->push_back(nn::ReLU());
            else if (activation == "tanh") net->push_back(nn::Tanh());
            else if (activation == "sigmoid") net->push_back(nn::Sigmoid());
            else net->push_back(nn::GELU());
            if (dropout > 0) net->push_back(nn::Dropout(dropout));
            in = units;
        }
        net->push_back(nn::Linear(in, plan.outputs));
        return net;
    }

private:
    std::vector<SettingInfo> _settings;
};

/// cnn (samples {C,H,W}): conv_blocks x [Conv2d(filters_K, kernel_size,
/// padding same) -> ReLU -> BatchNorm2d (if batch_norm) -> MaxPool2d(2)] ->
/// flatten -> Dropout(dropout_1) -> Linear(dense_units) -> ReLU ->
/// Dropout(dropout_2) -> Linear(outputs). Block K has `filters_K` filters
/// (default filters x 2^(K-1)); dropout_1 and dropout_2 are named as the
/// Keras layers of the CNN notebook and default to `dropout`.
class CnnFamily final : public NeuralFamily {
public:
    CnnFamily()
    {
        _settings.push_back(
            rangeSetting("conv_blocks", SettingType::Int, 2, 1, kMaxConvBlocks, 1, 3, false, "Convolution blocks (each halves H and W)."));
        _settings.push_back(
            rangeSetting("filters", SettingType::Int, 32, 1, 4096, 8, 128, true, "Filters of the first block, doubled in each next one."));
        for (int k = 1; k <= kMaxConvBlocks; ++k) {
            SettingInfo f = rangeSetting("filters_" + std::to_string(k), SettingType::Int, 0, 1, 4096, 8, 256, true,
                                       "Filters of block " + std::to_string(k) + " (default: filters x 2^" +
                                           std::to_string(k - 1) + ").");
            f.defaultValue = nullptr;
            f.partOf = "conv_blocks";
            f.part = k;
            _settings.push_back(f);
        }
        _settings.push_back(rangeSetting("kernel_size", SettingType::Int, 3, 1, 15, 3, 7, false, "Side of the convolution kernels."));
        _settings.push_back(rangeSetting("dense_units", SettingType::Int, 128, 1, 1 << 20, 32, 512, true, "Units of the dense layer."));
        _settings.push_back(dropoutSetting("dropout", 0.0, "Dropout of both dropout layers, unless set one by one."));
        _settings.push_back(dropoutSetting("dropout_1", nullptr, "Dropout after the convolutions (default: dropout)."));
        _settings.push_back(dropoutSetting("dropout_2", nullptr, "Dropout after the dense layer (default: dropout)."));
        _settings.push_back(boolSetting("batch_norm", false, "Batch normalization after each convolution."));
    }
    std::string name() const override { return "cnn"; }
    std::string label() const override { return "Convolutional network (images)"; }
    const std::vector<SettingInfo>& settings() const override { return _settings; }
    InputKind input() const override { return InputKind::Shaped; }

    void checkData(const ModelConfig& m, const data::Dataset& d) const override
    {
        const auto& s = d.sampleShape;
        if (s.size() != 3)
            throw std::invalid_argument("model: 'family' cnn needs image samples {C,H,W} (sample shape " +
                                        shapeText(s) + ")");
        const int blocks = m.integer("conv_blocks");
        const int64_t minSide = int64_t(1) << blocks;
        if (s[1] < minSide || s[2] < minSide)
            throw std::invalid_argument("model: 'conv_blocks' of " + std::to_string(blocks) +
                                        " needs images of at least " + std::to_string(minSide) + "x" +
                                        std::to_string(minSide) + " (sample shape " + shapeText(s) + ")");
    }

    nn::Sequential buildNetwork(const ModelConfig& m, const Plan& plan) const override
    {
        nn::Sequential net;
        const auto& shape = plan.sampleShape;
        int64_t channels = shape[0], h = shape[1], w = shape[2];
        const bool batchNorm = m.flag("batch_norm");
        const int kernel = m.integer("kernel_size"), dense = m.integer("dense_units");
        const double dropout = m.number("dropout");
        const double dropout1 = m.has("dropout_1") ? m.number("dropout_1") : dropout;
        const double dropout2 = m.has("dropout_2") ? m.number("dropout_2") : dropout;
        for (int b = 0; b < m.integer("conv_blocks"); ++b) {
            const std::string key = "filters_" + std::to_string(b + 1);
            const int64_t f = m.has(key) ? m.integer(key) : int64_t(m.integer("filters")) << b;
            net->push_back(nn::Conv2d(nn::Conv2dOptions(channels, f, kernel).padding(torch::kSame)));
            net->push_back(nn::ReLU());
            if (batchNorm) net->push_back(nn::BatchNorm2d(f));
            net->push_back(nn::MaxPool2d(nn::MaxPool2dOptions(2)));
            channels = f;
            h /= 2;
            w /= 2;
        }
        net->push_back(nn::Flatten());
        if (dropout1 > 0) net->push_back(nn::Dropout(dropout1));
        net->push_back(nn::Linear(channels * h * w, dense));
        net->push_back(nn::ReLU());
        if (dropout2 > 0) net->push_back(nn::Dropout(dropout2));
        net->push_back(nn::Linear(dense, plan.outputs));
        return net;
    }

private:
    std::vector<SettingInfo> _settings;
};

} // namespace

std::unique_ptr<ModelFamily> makeMlpFamily()
{
    return std::make_unique<MlpFamily>();
}

std::unique_ptr<ModelFamily> makeCnnFamily()
{
    return std::make_unique<CnnFamily>();
}

} // namespace tw::train
