#pragma once
// Internal to core/train: the factories of the registered model families
// (model_family.cpp lists them). Each family lives in its own .cpp.
#include "train/model_family.h"

#include <memory>

namespace tw::train {

std::unique_ptr<ModelFamily> makeMlpFamily(); // neural_families.cpp
std::unique_ptr<ModelFamily> makeCnnFamily(); // neural_families.cpp
std::unique_ptr<ModelFamily> makeLogisticRegressionFamily(); // classic_families.cpp
std::unique_ptr<ModelFamily> makeRandomForestFamily();       // classic_families.cpp
std::unique_ptr<ModelFamily> makeGradientBoostingFamily();   // classic_families.cpp
std::unique_ptr<ModelFamily> makeTextBagFamily();         // text_families.cpp
std::unique_ptr<ModelFamily> makeTextCnnFamily();         // text_families.cpp
std::unique_ptr<ModelFamily> makeTextTransformerFamily(); // text_families.cpp

} // namespace tw::train
