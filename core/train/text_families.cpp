// The text families: networks over the token ids of a text column
// (data/text.h). trainer.cpp trains them as any NeuralFamily.
//   text_bag          fastText style: the mean of the tokens' embeddings
//                     (padding ignored) -> hidden_layers x [Linear(units) ->
//                     ReLU -> Dropout] -> Linear(outputs).
//   text_cnn          embeddings -> one Conv1d(filters, k) per k of
//                     kernel_sizes -> ReLU -> max over time -> concat ->
//                     Dropout -> Linear(outputs) (Kim, 2014).
//   text_transformer  embeddings (-> Linear to model_dim when embedding_dim
//                     differs) + learned positions -> layers x Transformer
//                     encoder layer (heads, ff_dim, dropout; padding masked)
//                     -> pooling (a learned [CLS] token, or the mean of the
//                     non-padding positions) -> Linear(outputs).
// `embeddings_file` (GloVe / word2vec text) initializes the embeddings of the
// words it has (the others small noise); its dimension then replaces
// embedding_dim.
#include "data/text.h"
#include "data/word_vectors.h"
#include "train/families.h"
#include "train/neural_family.h"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <mutex>
#include <sstream>

namespace tw::train {

namespace {

namespace nn = torch::nn;
using nlohmann::json;
using torch::Tensor;

constexpr int kMaxKernel = 15;

SettingInfo textDropout(double def)
{
    return dropoutSetting("dropout", def, "Dropout rate.");
}

SettingInfo embeddingFileSetting()
{
    return textSetting("embeddings_file", "",
                       "Pre-trained word vectors (GloVe / word2vec text format) for the embeddings; empty: learned from scratch.");
}

SettingInfo embeddingDimSetting(int def)
{
    return rangeSetting("embedding_dim", SettingType::Int, def, 1, 4096, 16, 256, true,
                      "Width of the token embeddings (the embeddings file's dimension when one is given).");
}

/// "3,4,5" -> {3, 4, 5}; throws invalid_argument naming the key.
std::vector<int64_t> kernelSizes(const std::string& text)
{
    std::vector<int64_t> out;
    std::stringstream in(text);
    std::string item;
    const auto fail = [&] {
        throw std::invalid_argument("model: 'kernel_sizes' must be comma-separated integers in 1.." +
                                    std::to_string(kMaxKernel) + " (kernel_sizes = '" + text + "')");
    };
    while (std::getline(in, item, ',')) {
        const size_t a = item.find_first_not_of(' '), b = item.find_last_not_of(' ');
        if (a == std::string::npos) fail();
        item = item.substr(a, b - a + 1);
        if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos || item.size() > 3) fail();
        const int64_t k = std::stoll(item);
        if (k < 1 || k > kMaxKernel) fail();
        out.push_back(k);
    }
    if (out.empty()) fail();
    return out;
}

/// Word vectors by path, read once per process while the file is unchanged
/// (a study's trials share them).
std::shared_ptr<const data::WordVectors> wordVectors(const std::string& path)
{
    static std::mutex mutex;
    static std::string cachedKey;
    static std::shared_ptr<const data::WordVectors> cached;
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    const auto time = std::filesystem::last_write_time(path, ec).time_since_epoch().count();
    const std::string key = path + "|" + std::to_string(size) + "|" + std::to_string(time);
    std::lock_guard<std::mutex> lock(mutex);
    if (!cached || cachedKey != key) {
        cached = std::make_shared<const data::WordVectors>(data::readWordVectors(path));
        cachedKey = key;
    }
    return cached;
}

/// The embedding table of a text family: {vocabulary, dim}, row 0 padding.
nn::Embedding makeEmbedding(const ModelConfig& m, const Plan& plan, int64_t& dim)
{
    const std::string file = m.text("embeddings_file");
    dim = m.integer("embedding_dim");
    std::shared_ptr<const data::WordVectors> vectors;
    if (!file.empty()) {
        vectors = wordVectors(file);
        dim = vectors->dim;
    }
    nn::Embedding e(nn::EmbeddingOptions(plan.vocabularySize, dim).padding_idx(data::Vocabulary::kPadding));
    if (vectors && !plan.vocabulary.empty()) {
        std::vector<float> matrix = data::embeddingMatrix(*vectors, plan.vocabulary, 0);
        torch::NoGradGuard guard;
        e->weight.copy_(torch::from_blob(matrix.data(), {plan.vocabularySize, dim}, torch::kFloat32));
    }
    return e;
}

/// 1 where a position holds a token, {N, L, 1}.
Tensor tokenMask(const Tensor& ids)
{
    return ids.ne(data::Vocabulary::kPadding).unsqueeze(-1).to(torch::kFloat32);
}

/// Mean of the embeddings of the non-padding tokens (0 for an empty text).
Tensor meanOver(const Tensor& embedded, const Tensor& mask)
{
    return (embedded * mask).sum(1) / mask.sum(1).clamp_min(1.0);
}

struct TextBagImpl : nn::Module {
    TextBagImpl(const ModelConfig& m, const Plan& plan)
    {
        int64_t dim = 0;
        embedding = register_module("embedding", makeEmbedding(m, plan, dim));
        int64_t in = dim;
        const int layers = m.integer("hidden_layers"), units = m.integer("units");
        const double dropout = m.number("dropout");
        for (int l = 0; l < layers; ++l) {
            head->push_back(nn::Linear(in, units));
            head->push_back(nn::ReLU());
            if (dropout > 0) head->push_back(nn::Dropout(dropout));
            in = units;
        }
        head->push_back(nn::Linear(in, plan.outputs));
        register_module("head", head);
    }
    Tensor forward(const Tensor& ids) { return head->forward(meanOver(embedding->forward(ids), tokenMask(ids))); }

    nn::Embedding embedding{nullptr};
    nn::Sequential head;
};
TORCH_MODULE(TextBag);

struct TextCnnImpl : nn::Module {
    TextCnnImpl(const ModelConfig& m, const Plan& plan)
    {
        int64_t dim = 0;
        embedding = register_module("embedding", makeEmbedding(m, plan, dim));
        const int filters = m.integer("filters");
        const auto sizes = kernelSizes(m.text("kernel_sizes"));
        for (size_t i = 0; i < sizes.size(); ++i)
            convs.push_back(register_module("conv" + std::to_string(i), nn::Conv1d(nn::Conv1dOptions(dim, filters, sizes[i]))));
        dropout = register_module("dropout", nn::Dropout(m.number("dropout")));
        out = register_module("out", nn::Linear(filters * int64_t(sizes.size()), plan.outputs));
    }
    Tensor forward(const Tensor& ids)
    {
        const Tensor x = embedding->forward(ids).transpose(1, 2); // {N, E, L}
        std::vector<Tensor> pooled;
        for (auto& c : convs) pooled.push_back(torch::relu(c->forward(x)).amax(2));
        return out->forward(dropout->forward(torch::cat(pooled, 1)));
    }

    nn::Embedding embedding{nullptr};
    std::vector<nn::Conv1d> convs;
    nn::Dropout dropout{nullptr};
    nn::Linear out{nullptr};
};
TORCH_MODULE(TextCnn);

struct TextTransformerImpl : nn::Module {
    TextTransformerImpl(const ModelConfig& m, const Plan& plan)
    {
        int64_t dim = 0;
        embedding = register_module("embedding", makeEmbedding(m, plan, dim));
        const int64_t model = m.integer("model_dim");
        if (dim != model) project = register_module("project", nn::Linear(dim, model));
        cls = m.text("pooling") == "cls";
        const int64_t positions = plan.sampleShape.at(0) + (cls ? 1 : 0);
        position = register_module("position", nn::Embedding(positions, model));
        if (cls) clsToken = register_parameter("cls", torch::randn({1, 1, model}) * 0.02);
        encoder = register_module(
            "encoder",
            nn::TransformerEncoder(nn::TransformerEncoderOptions(
                nn::TransformerEncoderLayerOptions(model, m.integer("heads"))
                    .dim_feedforward(m.integer("ff_dim"))
                    .dropout(m.number("dropout")),
                m.integer("layers"))));
        norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({model})));
        out = register_module("out", nn::Linear(model, plan.outputs));
    }
    Tensor forward(const Tensor& ids)
    {
        Tensor x = embedding->forward(ids); // {N, L, E}
        if (project) x = project->forward(x);
        Tensor padding = ids.eq(data::Vocabulary::kPadding); // {N, L}, true where masked
        if (cls) {
            x = torch::cat({clsToken.expand({x.size(0), 1, x.size(2)}), x}, 1);
            padding = torch::cat({torch::zeros({ids.size(0), 1}, padding.options()), padding}, 1);
        } else {
            // An empty text: let attention see its first position (all masked gives NaN).
            const Tensor empty = padding.all(1, true);
            Tensor first = torch::zeros_like(padding);
            first.select(1, 0).fill_(true);
            padding = padding.logical_and(empty.logical_and(first).logical_not());
        }
        const int64_t length = x.size(1);
        x = x + position->forward(torch::arange(length, ids.options())).unsqueeze(0);
        Tensor h = encoder->forward(x.transpose(0, 1), {}, padding).transpose(0, 1); // {N, L, D}
        h = norm->forward(h);
        const Tensor pooled = cls ? h.select(1, 0) : meanOver(h, padding.logical_not().unsqueeze(-1).to(h.dtype()));
        return out->forward(pooled);
    }

    nn::Embedding embedding{nullptr};
    nn::Linear project{nullptr};
    nn::Embedding position{nullptr};
    Tensor clsToken;
    bool cls = true;
    nn::TransformerEncoder encoder{nullptr};
    nn::LayerNorm norm{nullptr};
    nn::Linear out{nullptr};
};
TORCH_MODULE(TextTransformer);

/// The base of the text families: token input and the data check.
class TextFamily : public NeuralFamily {
public:
    InputKind input() const override { return InputKind::Tokens; }
    bool batchNorm(const ModelConfig&) const override { return false; }
    const std::vector<SettingInfo>& settings() const override { return _settings; }

    void checkData(const ModelConfig&, const data::Dataset& d) const override
    {
        if (d.vocabulary.empty() || d.sampleShape.size() != 1)
            throw std::invalid_argument("model: 'family' " + name() +
                                        " needs token ids from a text column (a CSV column of type text: "
                                        "preprocessing column_types {COLUMN: text}); the data has sample shape " +
                                        shapeText(d.sampleShape));
    }

protected:
    std::vector<SettingInfo> _settings;
};

class TextBagFamily final : public TextFamily {
public:
    TextBagFamily()
    {
        _settings.push_back(embeddingDimSetting(64));
        _settings.push_back(rangeSetting("hidden_layers", SettingType::Int, 1, 0, 8, 0, 2, false, "Hidden layers of the head (0: linear)."));
        _settings.push_back(rangeSetting("units", SettingType::Int, 64, 1, 1 << 20, 16, 512, true, "Width of the head's hidden layers."));
        _settings.push_back(textDropout(0.0));
        _settings.push_back(embeddingFileSetting());
    }
    std::string name() const override { return "text_bag"; }
    std::string label() const override { return "Bag of embeddings (text, fastText style)"; }
    nn::Sequential buildNetwork(const ModelConfig& m, const Plan& plan) const override
    {
        nn::Sequential net;
        net->push_back(TextBag(m, plan));
        return net;
    }
};

class TextCnnFamily final : public TextFamily {
public:
    TextCnnFamily()
    {
        _settings.push_back(embeddingDimSetting(64));
        _settings.push_back(textSetting("kernel_sizes", "3,4,5", "Widths of the 1-D convolutions, comma separated."));
        _settings.push_back(rangeSetting("filters", SettingType::Int, 64, 1, 4096, 16, 256, true, "Filters per convolution width."));
        _settings.push_back(textDropout(0.5));
        _settings.push_back(embeddingFileSetting());
    }
    std::string name() const override { return "text_cnn"; }
    std::string label() const override { return "Convolutional network (text)"; }
    void validate(const ModelConfig& m) const override { (void)kernelSizes(m.text("kernel_sizes")); }
    void checkData(const ModelConfig& m, const data::Dataset& d) const override
    {
        TextFamily::checkData(m, d);
        const auto sizes = kernelSizes(m.text("kernel_sizes"));
        const int64_t widest = *std::max_element(sizes.begin(), sizes.end());
        if (d.sampleShape[0] < widest)
            throw std::invalid_argument("model: 'kernel_sizes' " + m.text("kernel_sizes") + " needs text_max_length >= " +
                                        std::to_string(widest) + " (text_max_length = " +
                                        std::to_string(d.sampleShape[0]) + ")");
    }
    nn::Sequential buildNetwork(const ModelConfig& m, const Plan& plan) const override
    {
        nn::Sequential net;
        net->push_back(TextCnn(m, plan));
        return net;
    }
};

class TextTransformerFamily final : public TextFamily {
public:
    TextTransformerFamily()
    {
        _settings.push_back(embeddingDimSetting(64));
        _settings.push_back(rangeSetting("model_dim", SettingType::Int, 64, 8, 4096, 32, 256, true, "Width of the encoder (divisible by heads)."));
        _settings.push_back(rangeSetting("layers", SettingType::Int, 2, 1, 12, 1, 4, false, "Encoder layers."));
        _settings.push_back(rangeSetting("heads", SettingType::Int, 4, 1, 64, 1, 8, false, "Attention heads per layer."));
        _settings.push_back(rangeSetting("ff_dim", SettingType::Int, 128, 8, 16384, 64, 512, true, "Width of each layer's feed-forward part."));
        _settings.push_back(choiceSetting("pooling", "cls", {"cls", "mean"},
                                          "What the classifier reads: a learned [CLS] token, or the mean of the tokens."));
        _settings.push_back(textDropout(0.1));
        _settings.push_back(embeddingFileSetting());
    }
    std::string name() const override { return "text_transformer"; }
    std::string label() const override { return "Transformer encoder (text)"; }
    void validate(const ModelConfig& m) const override
    {
        const int dim = m.integer("model_dim"), heads = m.integer("heads");
        if (dim % heads != 0)
            throw std::invalid_argument("model: 'model_dim' must be divisible by 'heads' (model_dim = " + std::to_string(dim) +
                                        ", heads = " + std::to_string(heads) + ")");
    }
    nn::Sequential buildNetwork(const ModelConfig& m, const Plan& plan) const override
    {
        nn::Sequential net;
        net->push_back(TextTransformer(m, plan));
        return net;
    }
};

} // namespace

std::unique_ptr<ModelFamily> makeTextBagFamily()
{
    return std::make_unique<TextBagFamily>();
}

std::unique_ptr<ModelFamily> makeTextCnnFamily()
{
    return std::make_unique<TextCnnFamily>();
}

std::unique_ptr<ModelFamily> makeTextTransformerFamily()
{
    return std::make_unique<TextTransformerFamily>();
}

} // namespace tw::train
