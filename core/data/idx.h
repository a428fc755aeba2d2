#pragma once
// MNIST-format IDX files (gzip'd or raw) and Fashion-MNIST.
#include "data/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tw::data {

/// An IDX array of unsigned bytes (type code 0x08).
struct IdxArray {
    std::vector<int64_t> dims;  // e.g. {60000, 28, 28}
    std::vector<uint8_t> data;  // prod(dims) values, row-major
    int64_t declaredCount = 0;  // the first dimension as the header says (dims[0] before a limit)
};

/// Reads an IDX file of unsigned bytes with `expectedDims` dimensions (3 for
/// images, magic 0x00000803; 1 for labels, 0x00000801), gzip'd (detected by
/// its 1f 8b magic) or raw. `limit` > 0 reads only the first `limit` items
/// along the first dimension. Throws IoError when the file cannot be opened
/// (or its data does not fit in memory), ParseError naming the file for a
/// wrong magic number, a dimension of size 0, dimensions whose product
/// overflows, or a size that disagrees with the header ("FILE: header
/// declares 3 x 28 x 28 = 2352 bytes of data but the file holds 100
/// (truncated)"). Nothing is allocated beyond what the file holds: a raw
/// file's size is checked before reading, a gzip'd one is read into a buffer
/// that grows with the decompressed data (its trailer's size is a hint only).
IdxArray readIdx(const std::string& path, int expectedDims, int64_t limit = 0);

/// Images (N x H x W) and labels (N) as a Multiclass Dataset: features scaled
/// to [0, 1], sampleShape {1, H, W}. The counts must agree; a label must be
/// below classNames.size().
Dataset loadIdxPair(const std::string& imagesPath, const std::string& labelsPath,
                    const std::vector<std::string>& classNames, int64_t limit = 0);

/// Where Debian's dataset-fashion-mnist puts the files.
inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";
/// T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot.
std::vector<std::string> fashionMnistClassNames();
/// split "train" (60,000) or "test" (10,000) from `dir` (files
/// train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz, ...; the names
/// without .gz are accepted too). A missing file is an IoError naming the path
/// and the package dataset-fashion-mnist. `limit` > 0 keeps the first `limit`.
Dataset loadFashionMnist(const std::string& split, const std::string& dir = kFashionMnistDir, int64_t limit = 0);

} // namespace tw::data
