#pragma once
// Built-in data sets: seeded generators (identical on every platform for a
// seed) and Fashion-MNIST by name.
#include "data/dataset.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tw::data {

/// The two interlaced spirals of the hyperparameters workshop: angle
/// phi ~ U(1, 15), point ((phi + 1) cos phi, phi sin phi) plus N(0, noise^2)
/// noise on each coordinate; the second half (n / 2 onwards) is mirrored
/// through the origin and labelled 1. Binary, features "x", "y", classes "0", "1".
Dataset spirals(int64_t n, double noise = 0.4, uint64_t seed = 0);
/// Two interleaving half circles (as scikit-learn's make_moons, unshuffled:
/// first half class 0).
Dataset moons(int64_t n, double noise = 0.2, uint64_t seed = 0);
/// A circle inside a circle of radius 1 (inner radius `factor`; as
/// scikit-learn's make_circles, unshuffled: first half the outer, class 0).
Dataset circles(int64_t n, double noise = 0.1, double factor = 0.5, uint64_t seed = 0);
/// A tabular binary task with a rare positive class: exactly
/// round(n * positiveFraction) positives at random positions; the first
/// ceil(features / 2) features are informative (N(0, 1) shifted by +-1 for
/// the positives, signs alternating), the rest N(0, 1) noise. Features
/// "x1".."xD", classes "0", "1".
Dataset imbalancedBinary(int64_t n, int features = 10, double positiveFraction = 0.1, uint64_t seed = 0);

/// A named data set with its fixed evaluation sets when the source defines them.
struct BuiltinData {
    Dataset train;
    std::optional<Dataset> validation; // spirals, moons, circles: fresh samples from the same generator
    std::optional<Dataset> test;       // fashion-mnist: the 10,000 t10k images
};

/// "spirals" (4000 train / 1000 validation, noise 0.4, as the workshop),
/// "moons" and "circles" (2000 / 500), "imbalanced" (5000 samples, 10
/// features, 10% positives; split it with splitIndices), "fashion-mnist"
/// (60,000 train / 10,000 test from `idxDir`, Debian's package when empty).
/// `limit` > 0 keeps the first `limit` training samples: of a generator, the
/// first of each class, the classes in proportion (its validation samples
/// stay); of Fashion-MNIST, the first `limit` training and test images.
/// Unknown names throw invalid_argument listing these.
BuiltinData builtinDataset(const std::string& name, uint64_t seed = 0, int64_t limit = 0, const std::string& idxDir = {});
std::vector<std::string> builtinDatasetNames();

} // namespace tw::data
