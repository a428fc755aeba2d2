#include "train/setting_aliases.h"

#include <algorithm>

namespace tw::train {

const std::vector<std::pair<std::string, std::string>>& settingAliases()
{
    static const std::vector<std::pair<std::string, std::string>> kAliases{
        {"lr", "learning_rate"},
        {"learning-rate", "learning_rate"},
        {"learningrate", "learning_rate"},
        {"learning_rate_init", "learning_rate"},
        {"wd", "weight_decay"},
        {"l2", "weight_decay"},
        {"warm_up_ratio", "warmup_ratio"},
        {"warmup", "warmup_ratio"},
        {"num_epochs", "epochs"},
        {"n_epochs", "epochs"},
        {"num_train_epochs", "epochs"},
        {"epoch", "epochs"},
        {"batch", "batch_size"},
        {"bs", "batch_size"},
        {"per_device_train_batch_size", "batch_size"},
        {"opt_weights_cls0", "class_weight_0"},
        {"opt_weights_cls1", "class_weight_1"},
        {"opt_weights_cls2", "class_weight_2"},
        {"opt_weights_cls3", "class_weight_3"},
        {"weight_cls0", "class_weight_0"},
        {"weight_cls1", "class_weight_1"},
        {"n_layers", "hidden_layers"},
        {"num_layers", "hidden_layers"},
        {"n_units", "units"},
        {"hidden_units", "units"},
        {"dropout_rate", "dropout"},
        {"drop_rate", "dropout"},
        {"optim", "optimizer"},
        {"lr_scheduler_type", "schedule"},
        {"max_grad_norm", "clip_norm"},
        {"adam_beta1", "beta1"},
        {"adam_beta2", "beta2"},
        {"adam_epsilon", "epsilon"},
    };
    return kAliases;
}

std::optional<std::string> settingAlias(const std::string& name)
{
    const auto& all = settingAliases();
    auto it = std::find_if(all.begin(), all.end(), [&](const auto& a) { return a.first == name; });
    if (it == all.end()) return std::nullopt;
    return it->second;
}

} // namespace tw::train
