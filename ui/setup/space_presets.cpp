#include "setup/space_presets.h"

#include "train/model_family.h"
#include "train/study_spec.h"

#include <QCoreApplication>

#include <map>
#include <optional>

namespace tw::ui {

namespace {

using space::CategoricalParam;
using space::Choice;
using space::FloatParam;
using space::IntParam;

QString tr(const char* text) { return QCoreApplication::translate("SpacePresets", text); }

SpacePreset one(const QString& title, const QString& tooltip, space::Param p)
{
    return {QString::fromStdString(space::nameOf(p)), title, tooltip, {std::move(p)}};
}

FloatParam logFloat(const char* name, double low, double high) { return {name, low, high, true, std::nullopt}; }

/// A search over one setting of a family's schema, over its usual range.
space::Param fromSchema(const train::SettingInfo& s)
{
    switch (s.type) {
    case train::SettingType::Int: return IntParam{s.key, s.searchLow, s.searchHigh, s.searchLog};
    case train::SettingType::Float: return FloatParam{s.key, s.searchLow, s.searchHigh, s.searchLog, std::nullopt};
    case train::SettingType::Bool: return CategoricalParam{s.key, {Choice{true}, Choice{false}}};
    case train::SettingType::Choice:
    case train::SettingType::Text: break;
    }
    std::vector<Choice> choices;
    for (const auto& c : s.choices) choices.emplace_back(c);
    return CategoricalParam{s.key, choices};
}

/// "Embedding dim (log 16 … 256)", "Pooling (cls, mean)": a schema preset's title.
QString schemaTitle(const train::SettingInfo& s)
{
    QString label = QString::fromStdString(s.key);
    label.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!label.isEmpty()) label[0] = label[0].toUpper();
    QString range;
    switch (s.type) {
    case train::SettingType::Int:
    case train::SettingType::Float:
        range = QStringLiteral("%1%2 … %3")
                    .arg(s.searchLog ? QStringLiteral("log ") : QString(), QString::number(s.searchLow, 'g', 6),
                         QString::number(s.searchHigh, 'g', 6));
        break;
    case train::SettingType::Bool: range = QStringLiteral("true, false"); break;
    case train::SettingType::Choice:
    case train::SettingType::Text:
        for (const auto& c : s.choices) range += (range.isEmpty() ? QString() : QStringLiteral(", ")) + QString::fromStdString(c);
        break;
    }
    return range.isEmpty() ? label : label + QStringLiteral(" (") + range + QLatin1Char(')');
}

/// A preset over one setting of a schema, or none for a setting that is
/// derived (a CNN block's filters) or free text (a file, a list of widths).
std::optional<SpacePreset> schemaPreset(const train::SettingInfo& s)
{
    if (s.defaultValue.is_null() || s.type == train::SettingType::Text) return std::nullopt;
    return one(schemaTitle(s), QString::fromStdString(s.help), fromSchema(s));
}

/// The presets of a text family: a typical space of its own, its settings
/// over their usual ranges (the schema's), the training settings, and the
/// tokenizer's and vocabulary's settings; none of a table's (a text column
/// is the only feature: no imputation or scaling applies).
QVector<SpacePreset> textPresets(const train::ModelFamily& f, const QVector<SpacePreset>& training,
                                 const QVector<SpacePreset>& classWeights, bool imbalanced)
{
    const QString family = QString::fromStdString(f.name());
    QVector<SpacePreset> own;
    for (const auto& s : f.settings()) {
        std::optional<SpacePreset> p = schemaPreset(s);
        // An encoder's width must divide by its heads: both over powers of
        // two, every pair of them is valid.
        if (s.key == "model_dim")
            p = one(tr("Model dim (32, 64, 128, 256)"), QString::fromStdString(s.help),
                    CategoricalParam{s.key, {Choice{32.0}, Choice{64.0}, Choice{128.0}, Choice{256.0}}});
        else if (s.key == "heads")
            p = one(tr("Heads (1, 2, 4, 8)"), QString::fromStdString(s.help),
                    CategoricalParam{s.key, {Choice{1.0}, Choice{2.0}, Choice{4.0}, Choice{8.0}}});
        if (p) own << *p;
    }
    // The typical space: the learning rate, the family's shape, its dropout.
    static const std::map<std::string, std::vector<std::string>> kTypical{
        {"text_bag", {"embedding_dim", "hidden_layers", "units", "dropout"}},
        {"text_cnn", {"embedding_dim", "filters", "dropout"}},
        {"text_transformer", {"model_dim", "heads", "layers", "dropout"}}};
    const auto typical = kTypical.count(f.name()) ? kTypical.at(f.name()) : std::vector<std::string>{"dropout"};
    SpacePreset whole{QStringLiteral("space:") + family, {}, {}, {training.front().params.front()}};
    QStringList names{tr("learning rate")};
    for (const auto& key : typical)
        for (const SpacePreset& p : own)
            if (p.id == QString::fromStdString(key)) {
                whole.params.push_back(p.params.front());
                names << QString::fromStdString(key).replace(QLatin1Char('_'), QLatin1Char(' '));
            }
    whole.title = tr("Typical %1 space (%2)").arg(family, names.join(QStringLiteral(", ")));
    whole.tooltip = tr("Adds the learning rate and the %1 settings that shape the model most, over their usual "
                       "ranges, that are not searched yet")
                        .arg(family);

    QVector<SpacePreset> out{whole};
    if (imbalanced) out << classWeights;
    out << training.front() << own << training.mid(1);
    if (!imbalanced) out << classWeights;
    for (const auto& s : train::preprocessingSettings())
        if (s.key.rfind("text_", 0) == 0)
            if (auto p = schemaPreset(s)) out << *p;
    return out;
}

/// The Hydra + Optuna talk's search in one study: the imputations, and the
/// family, logistic regression (C, fit_intercept) or a random forest
/// (n_estimators, max_depth, min_samples_split), each with its own ranges.
SpacePreset modelFamilyPreset()
{
    const std::vector<space::Condition> lr{{"family", {Choice{"logistic_regression"}}}};
    const std::vector<space::Condition> rf{{"family", {Choice{"random_forest"}}}};
    SpacePreset p{QStringLiteral("space:model_family"),
                  tr("Model family: logistic regression or random forest (Hydra + Optuna talk)"),
                  tr("One study over the imputations and the model family, each family with its own parameters "
                     "(C and fit_intercept; n_estimators, max_depth and min_samples_split), as the talk's "
                     "Titanic search"),
                  {}};
    p.params.push_back(CategoricalParam{"numeric_impute", {Choice{"mean"}, Choice{"median"}}});
    p.params.push_back(CategoricalParam{"categorical_impute", {Choice{"most_frequent"}, Choice{"missing_category"}}});
    p.params.push_back(CategoricalParam{"family", {Choice{"logistic_regression"}, Choice{"random_forest"}}});
    p.params.push_back(FloatParam{"C", 1e-3, 100, true, std::nullopt, lr});
    p.params.push_back(CategoricalParam{"fit_intercept", {Choice{false}, Choice{true}}, lr});
    p.params.push_back(IntParam{"n_estimators", 10, 600, false, rf});
    p.params.push_back(IntParam{"max_depth", 1, 10, false, rf});
    p.params.push_back(FloatParam{"min_samples_split", 0.1, 1.0, false, 0.1, rf});
    return p;
}

} // namespace

QVector<SpacePreset> spacePresets(const QString& family, bool imbalanced)
{
    const bool cnn = family == QLatin1String("cnn");
    const train::ModelFamily* f = train::findModelFamily(family.toStdString());
    if (f && !f->usesTrainingSetting("optimizer")) {
        // Not a network: the family's own settings over their usual ranges.
        QVector<SpacePreset> out;
        out << modelFamilyPreset();
        for (const auto& s : f->settings()) {
            if (s.defaultValue.is_null()) continue; // derived from another setting
            const space::Param p = fromSchema(s);
            out << one(QString::fromStdString(s.key), QString::fromStdString(s.help), p);
        }
        out << one(tr("Numeric imputation (mean, median)"), tr("How missing numbers of a CSV are filled"),
                   CategoricalParam{"numeric_impute", {Choice{"mean"}, Choice{"median"}}});
        out << one(tr("Categorical imputation (most frequent, missing category)"),
                   tr("How missing categories of a CSV are filled: the most frequent one, or a category of their own"),
                   CategoricalParam{"categorical_impute", {Choice{"most_frequent"}, Choice{"missing_category"}}});
        return out;
    }
    const SpacePreset lr = one(tr("Learning rate (log 1e-4 … 1e-1)"),
                               tr("The most important setting: search it on a log scale"),
                               logFloat("learning_rate", 1e-4, 1e-1));
    const SpacePreset optimizer = one(tr("Optimizer (sgd, adam, adamw, rmsprop)"), tr("Which update rule trains best"),
                                      CategoricalParam{"optimizer", {Choice{"sgd"}, Choice{"adam"}, Choice{"adamw"}, Choice{"rmsprop"}}});
    const SpacePreset dropout = one(tr("Dropout (0 … 0.5)"), tr("Share of units dropped while training (regularization)"),
                                    FloatParam{"dropout", 0.0, 0.5, false, std::nullopt});
    const SpacePreset batch = one(tr("Batch size (32, 64, 128, 256)"), tr("Samples per optimizer step"),
                                  CategoricalParam{"batch_size", {Choice{32.0}, Choice{64.0}, Choice{128.0}, Choice{256.0}}});
    const SpacePreset decay = one(tr("Weight decay (log 1e-6 … 1e-2)"), tr("L2 penalty (decoupled for adamw)"),
                                  logFloat("weight_decay", 1e-6, 1e-2));
    const SpacePreset warmup = one(tr("Warm-up ratio (0 … 0.3)"), tr("Share of the steps with a linear learning-rate warm-up"),
                                   FloatParam{"warmup_ratio", 0.0, 0.3, false, std::nullopt});
    const SpacePreset schedule = one(tr("Learning-rate schedule"), tr("constant, linear decay or cosine decay"),
                                     CategoricalParam{"schedule", {Choice{"constant"}, Choice{"linear"}, Choice{"cosine"}}});
    const SpacePreset classWeight = one(tr("Weight of class 1 (log 1 … 20)"),
                                        tr("Loss weight of the rare class 1 of a binary task (class_weight_1)"),
                                        logFloat("class_weight_1", 1.0, 20.0));
    const SpacePreset classWeights = one(tr("Class weights (none, balanced)"),
                                         tr("No weighting, or scikit-learn's balanced weights n / (k · count)"),
                                         CategoricalParam{"class_weights", {Choice{"none"}, Choice{"balanced"}}});

    const SpacePreset loss = one(tr("Loss function (cross-entropy, MSE)"),
                                 tr("The training criterion (the setting 'loss'; not the validation loss the "
                                    "study may optimize). bce fits binary tasks with one output only: add it to "
                                    "the choices by hand for those"),
                                 CategoricalParam{"loss", {Choice{"cross_entropy"}, Choice{"mse"}}});
    if (f && family.startsWith(QLatin1String("text_")))
        return textPresets(*f, {lr, optimizer, batch, decay, warmup, schedule, loss}, {classWeight, classWeights}, imbalanced);

    QVector<SpacePreset> out;
    if (cnn) {
        const SpacePreset blocks = one(tr("Convolution blocks (1 … 3)"), tr("Conv → ReLU → pool blocks; each halves the image"),
                                       IntParam{"conv_blocks", 1, 3, false});
        const SpacePreset filters = one(tr("Filters (16, 32, 64)"), tr("Filters of the first block, doubled per block"),
                                        CategoricalParam{"filters", {Choice{16.0}, Choice{32.0}, Choice{64.0}}});
        const SpacePreset kernel = one(tr("Kernel size (3, 5)"), tr("Convolution kernel size"),
                                       CategoricalParam{"kernel_size", {Choice{3.0}, Choice{5.0}}});
        const SpacePreset dense = one(tr("Dense units (log 64 … 512)"), tr("Width of the dense layer after the convolutions"),
                                      IntParam{"dense_units", 64, 512, true});
        SpacePreset whole{QStringLiteral("space:cnn"), tr("Typical CNN space (dropout, learning rate, filters, blocks)"),
                          tr("Replaces nothing: adds the parameters of the Fashion-MNIST CNN notebook that are not searched yet"),
                          {}};
        for (const auto* p : {&dropout, &lr, &filters, &blocks}) whole.params.push_back(p->params.front());
        out << whole << lr << dropout << blocks << filters << kernel << dense << optimizer << batch << decay;
    } else {
        const SpacePreset layers = one(tr("Hidden layers (1 … 4)"), tr("Depth of the MLP (0 … 8 allowed)"),
                                       IntParam{"hidden_layers", 1, 4, false});
        const SpacePreset units = one(tr("Units (log 16 … 256)"), tr("Width of every hidden layer, on a log scale"),
                                      IntParam{"units", 16, 256, true});
        const SpacePreset activation = one(tr("Activation (relu, tanh, sigmoid, gelu)"), tr("Hidden-layer activation"),
                                           CategoricalParam{"activation", {Choice{"relu"}, Choice{"tanh"}, Choice{"sigmoid"}, Choice{"gelu"}}});
        SpacePreset whole{QStringLiteral("space:mlp"), tr("Typical MLP space (layers, units, activation, learning rate, optimizer)"),
                          tr("Adds the parameters of the KerasTuner / workshop notebooks that are not searched yet"),
                          {}};
        for (const auto* p : {&layers, &units, &activation, &lr, &optimizer}) whole.params.push_back(p->params.front());
        out << whole;
        if (imbalanced) out << classWeight << classWeights;
        out << lr << layers << units << activation << optimizer << dropout << batch << decay;
        if (!imbalanced) out << classWeight << classWeights;
    }
    SpacePreset imputation = one(tr("Numeric imputation (mean, median)"), tr("How missing numbers of a CSV are filled"),
                                 CategoricalParam{"numeric_impute", {Choice{"mean"}, Choice{"median"}}});
    SpacePreset categoricalImputation =
        one(tr("Categorical imputation (most frequent, missing category)"),
            tr("How missing categories of a CSV are filled: the most frequent one, or a category of their own"),
            CategoricalParam{"categorical_impute", {Choice{"most_frequent"}, Choice{"missing_category"}}});
    SpacePreset standardize = one(tr("Standardize (true, false)"), tr("Scale numeric CSV columns to mean 0, std 1"),
                                  CategoricalParam{"standardize", {Choice{true}, Choice{false}}});
    out << warmup << schedule << loss;
    if (!cnn) out << imputation << categoricalImputation << standardize << modelFamilyPreset();
    return out;
}

SpacePreset spacePreset(const QString& family, const QString& id)
{
    for (const auto& p : spacePresets(family, true))
        if (p.id == id) return p;
    return {};
}

} // namespace tw::ui
