// IDX files (the MNIST format): gzip'd through zlib or raw, read into one
// buffer no larger than the data the file holds, and converted in one pass.
#include "data/idx.h"

#include "util/errors.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace tw::data {

namespace {

/// A byte source over a raw or a gzip'd file.
class Reader {
public:
    explicit Reader(const std::string& path) : _path(path)
    {
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) throw IoError(path + ": is a directory, not an IDX file");
        std::FILE* f = std::fopen(path.c_str(), "rb");
        if (!f) throw IoError(path + ": cannot open: " + std::strerror(errno));
        unsigned char magic[2] = {0, 0};
        const size_t got = std::fread(magic, 1, 2, f);
        _gzip = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        if (std::fseek(f, 0, SEEK_END) == 0) {
            const long size = std::ftell(f);
            if (size >= 0) _fileSize = uint64_t(size);
        }
        if (_gzip && _fileSize >= 4 && std::fseek(f, -4, SEEK_END) == 0) {
            unsigned char t[4];
            if (std::fread(t, 1, 4, f) == 4)
                _isize = uint32_t(t[0]) | uint32_t(t[1]) << 8 | uint32_t(t[2]) << 16 | uint32_t(t[3]) << 24;
        }
        if (_gzip) {
            std::fclose(f);
            _gz = gzopen(path.c_str(), "rb");
            if (!_gz) throw IoError(path + ": cannot open: " + std::strerror(errno));
            gzbuffer(_gz, 1 << 18);
        } else {
            std::rewind(f);
            _file = f;
        }
    }
    ~Reader()
    {
        if (_gz) gzclose(_gz);
        if (_file) std::fclose(_file);
    }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    bool gzip() const { return _gzip; }
    /// The size of the file on disk (compressed when gzip'd).
    uint64_t fileSize() const { return _fileSize; }
    /// gzip: the trailer's ISIZE, the decompressed size mod 2^32 of the last
    /// member. A hint only: a file can say anything there.
    uint32_t isize() const { return _isize; }

    /// Reads up to n bytes; fewer only at the end of the data. A gzip stream
    /// cut short reads as an early end (the caller reports the sizes).
    size_t read(void* buffer, size_t n)
    {
        auto* out = static_cast<unsigned char*>(buffer);
        size_t total = 0;
        while (total < n) {
            const size_t chunk = std::min<size_t>(n - total, size_t(1) << 30);
            size_t got = 0;
            if (_gz) {
                const int r = gzread(_gz, out + total, unsigned(chunk));
                if (r < 0) {
                    int errnum = 0;
                    const char* msg = gzerror(_gz, &errnum);
                    if (errnum == Z_BUF_ERROR) break; // truncated stream
                    std::string what = msg ? msg : "unknown error";
                    if (what.rfind(_path + ": ", 0) == 0) what.erase(0, _path.size() + 2); // zlib names the file too
                    throw ParseError(_path + ": gzip data is corrupt: " + what);
                }
                got = size_t(r);
            } else {
                got = std::fread(out + total, 1, chunk, _file);
                if (got < chunk && std::ferror(_file)) throw IoError(_path + ": read error: " + std::strerror(errno));
            }
            total += got;
            if (got == 0) break;
        }
        return total;
    }

    /// Counts the bytes left (to report the actual size of an oversized file).
    uint64_t rest()
    {
        std::array<unsigned char, 1 << 16> scratch;
        uint64_t total = 0;
        for (size_t got; (got = read(scratch.data(), scratch.size())) > 0;) total += got;
        return total;
    }

private:
    std::string _path;
    bool _gzip = false;
    uint64_t _fileSize = 0;
    uint32_t _isize = 0;
    gzFile _gz = nullptr;
    std::FILE* _file = nullptr;
};

std::string hex32(uint32_t v)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

std::string dimsText(const std::vector<int64_t>& dims)
{
    std::string out;
    for (int64_t d : dims) out += (out.empty() ? "" : " x ") + std::to_string(d);
    return out;
}

uint32_t bigEndian(const unsigned char* p)
{
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

} // namespace

IdxArray readIdx(const std::string& path, int expectedDims, int64_t limit)
{
    if (expectedDims < 1 || expectedDims > 255) throw std::invalid_argument("readIdx: expectedDims must be in [1, 255]");
    if (limit < 0) throw std::invalid_argument("readIdx: limit must be >= 0 (0 reads everything)");
    Reader in(path);
    const std::string kind = in.gzip() ? " (decompressed)" : "";
    const uint32_t expectedMagic = 0x0800u | uint32_t(expectedDims);
    const int64_t headerBytes = 4 + 4 * int64_t(expectedDims);

    std::vector<unsigned char> header(size_t(headerBytes), 0);
    const size_t gotMagic = in.read(header.data(), 4);
    if (gotMagic < 4)
        throw ParseError(path + ": truncated: a " + std::to_string(headerBytes) + "-byte IDX header expected, the file" + kind +
                         " has " + std::to_string(gotMagic) + " bytes");
    const uint32_t magic = bigEndian(header.data());
    if (magic != expectedMagic)
        throw ParseError(path + ": magic number " + hex32(magic) + " is not " + hex32(expectedMagic) + " (IDX unsigned bytes, " +
                         std::to_string(expectedDims) + (expectedDims == 1 ? " dimension" : " dimensions") + ")");
    const size_t gotDims = in.read(header.data() + 4, size_t(headerBytes - 4));
    if (int64_t(gotDims) < headerBytes - 4)
        throw ParseError(path + ": truncated: a " + std::to_string(headerBytes) + "-byte IDX header expected, the file" + kind +
                         " has " + std::to_string(4 + gotDims) + " bytes");

    IdxArray out;
    for (int d = 0; d < expectedDims; ++d) {
        const int64_t size = bigEndian(header.data() + 4 + 4 * d);
        if (size == 0) throw ParseError(path + ": dimension " + std::to_string(d + 1) + " has size 0");
        out.dims.push_back(size);
    }
    // The product of the dimensions (each below 2^32), checked for overflow.
    int64_t total = 1;
    for (int64_t size : out.dims)
        if (__builtin_mul_overflow(total, size, &total))
            throw ParseError(path + ": header declares " + dimsText(out.dims) + ": more than 2^63 bytes of data");
    out.declaredCount = out.dims[0];
    const int64_t itemBytes = total / out.dims[0];
    const bool partial = limit > 0 && limit < out.dims[0];
    const int64_t items = partial ? limit : out.dims[0];
    const int64_t want = items * itemBytes;
    const auto sizeError = [&](uint64_t holds) {
        return ParseError(path + ": header declares " + dimsText(out.dims) + " = " + std::to_string(total) +
                          " bytes of data but the file holds " + std::to_string(holds) +
                          (in.gzip() ? " once decompressed" : "") + (holds < uint64_t(total) ? " (truncated)" : " (too long)"));
    };
    // A raw file's size is known: checked before anything is allocated.
    if (!in.gzip() && in.fileSize() - uint64_t(headerBytes) != uint64_t(total)) throw sizeError(in.fileSize() - uint64_t(headerBytes));

    // A gzip'd file's decompressed size is known only once it is read: the
    // buffer grows with the data that arrives, from a first size no larger
    // than deflate could expand the file to (1032:1) -- all of it when the
    // trailer's size agrees with the header, 4 MiB otherwise.
    constexpr int64_t kFirstChunk = int64_t(4) << 20;
    int64_t capacity = want;
    if (in.gzip()) {
        const int64_t expandable = int64_t(std::min<uint64_t>(in.fileSize(), uint64_t(1) << 40)) * 1032 + kFirstChunk;
        const bool trailerAgrees = in.isize() == uint32_t((uint64_t(headerBytes) + uint64_t(total)) & 0xffffffffu);
        capacity = std::min({want, expandable, trailerAgrees ? want : kFirstChunk});
    }
    try {
        out.data.resize(size_t(capacity));
        int64_t got = 0;
        for (;;) {
            got += int64_t(in.read(out.data.data() + got, size_t(capacity - got)));
            if (got < capacity || capacity == want) break;
            capacity = std::min(want, 2 * capacity);
            out.data.resize(size_t(capacity));
        }
        if (got < want) throw sizeError(uint64_t(got));
        if (in.gzip() && !partial)
            if (const uint64_t extra = in.rest(); extra > 0) throw sizeError(uint64_t(got) + extra);
    } catch (const std::bad_alloc&) {
        throw IoError(path + ": " + std::to_string(capacity) + " bytes of data do not fit in memory");
    }
    out.dims[0] = items;
    return out;
}

Dataset loadIdxPair(const std::string& imagesPath, const std::string& labelsPath, const std::vector<std::string>& classNames,
                    int64_t limit)
{
    if (classNames.size() < 2) throw std::invalid_argument("loadIdxPair: at least 2 class names are needed");
    IdxArray images = readIdx(imagesPath, 3, limit);
    const IdxArray labels = readIdx(labelsPath, 1, limit);
    if (images.declaredCount != labels.declaredCount)
        throw ParseError(imagesPath + " has " + std::to_string(images.declaredCount) + " images but " + labelsPath + " has " +
                         std::to_string(labels.declaredCount) + " labels");

    Dataset d;
    d.task = Task::Multiclass;
    d.sampleShape = {1, images.dims[1], images.dims[2]};
    d.classNames = classNames;
    const int64_t n = images.dims[0];
    d.labels.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
        const int64_t c = labels.data[size_t(i)];
        if (c >= int64_t(classNames.size()))
            throw ParseError(labelsPath + ": item " + std::to_string(i) + ": label " + std::to_string(c) + " is not below " +
                             std::to_string(classNames.size()) + " (the number of classes)");
        d.labels[size_t(i)] = c;
    }
    std::array<float, 256> scale;
    for (int v = 0; v < 256; ++v) scale[size_t(v)] = float(v) / 255.0f;
    try {
        d.features.resize(images.data.size());
    } catch (const std::bad_alloc&) {
        throw IoError(imagesPath + ": " + std::to_string(images.data.size()) + " pixels do not fit in memory as floats");
    }
    const uint8_t* src = images.data.data();
    float* dst = d.features.data();
    for (size_t i = 0, m = images.data.size(); i < m; ++i) dst[i] = scale[src[i]];
    images.data = {};

    d.provenance.source = imagesPath + " + " + labelsPath;
    d.provenance.rows = n;
    d.provenance.columns = d.sampleSize() + 1;
    d.provenance.preprocessing = "pixels scaled to [0, 1]";
    if (n < images.declaredCount)
        d.provenance.preprocessing += "; first " + std::to_string(n) + " of " + std::to_string(images.declaredCount) + " samples";
    return d;
}

std::vector<std::string> fashionMnistClassNames()
{
    return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"};
}

Dataset loadFashionMnist(const std::string& split, const std::string& dir, int64_t limit)
{
    if (split != "train" && split != "test")
        throw std::invalid_argument("fashion-mnist: split '" + split + "' is not one of train, test");
    if (limit < 0) throw std::invalid_argument("fashion-mnist: limit must be >= 0 (0 loads every sample)");
    const std::string prefix = split == "train" ? "train" : "t10k";
    auto locate = [&](const std::string& stem) {
        const std::filesystem::path base = std::filesystem::path(dir) / stem;
        std::error_code ec;
        const std::string gz = base.string() + ".gz";
        if (std::filesystem::exists(gz, ec)) return gz;
        if (std::filesystem::exists(base, ec)) return base.string();
        throw IoError("fashion-mnist: " + gz + " not found (install the Debian package dataset-fashion-mnist, "
                      "or give the directory that holds the IDX files)");
    };
    const std::string images = locate(prefix + "-images-idx3-ubyte");
    const std::string labels = locate(prefix + "-labels-idx1-ubyte");
    Dataset d = loadIdxPair(images, labels, fashionMnistClassNames(), limit);
    d.name = "fashion-mnist-" + split;
    return d;
}

} // namespace tw::data
