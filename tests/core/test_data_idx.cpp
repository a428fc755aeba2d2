// IDX files: small files written here (raw and gzip'd) read back, and every
// format error named with its file; the real Fashion-MNIST when installed.
#include "data/idx.h"
#include "util/errors.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include "test_support.h"

#include <QtTest>

#include <zlib.h>

#include <sys/resource.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

using namespace tw::data;

namespace {

void put32(std::string& out, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8) out += char((v >> shift) & 0xff);
}

/// An IDX file of unsigned bytes: magic, dimensions, then `data`.
std::string idx(uint32_t magic, const std::vector<uint32_t>& dims, const std::vector<uint8_t>& data)
{
    std::string out;
    put32(out, magic);
    for (uint32_t d : dims) put32(out, d);
    out.append(data.begin(), data.end());
    return out;
}

void writeRaw(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary) << bytes;
}

void writeGzip(const std::string& path, const std::string& bytes)
{
    gzFile f = gzopen(path.c_str(), "wb");
    QVERIFY(f != nullptr);
    QCOMPARE(gzwrite(f, bytes.data(), unsigned(bytes.size())), int(bytes.size()));
    QCOMPARE(gzclose(f), Z_OK);
}

std::vector<std::string> classes3() { return {"a", "b", "c"}; }

} // namespace

class TestDataIdx : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init() { QVERIFY(_dir.isValid()); }
    void oversizedHeaderAllocatesNothing();
    void smallFilesRawAndGzip();
    void limit();
    void truncated();
    void tooLong();
    void wrongMagic();
    void countMismatchAndBadLabel();
    void fashionMnistMissing();
    void fashionMnistReal();

private:
    std::string path(const char* name) const { return _dir.filePath(QString::fromUtf8(name)).toStdString(); }
    QTemporaryDir _dir;
};

void TestDataIdx::smallFilesRawAndGzip()
{
    // Three 2x3 images with pixels 0, 10, 20, ..., labels 2, 0, 1.
    std::vector<uint8_t> pixels(18);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i * 15);
    pixels[17] = 255;
    const std::string images = idx(0x803, {3, 2, 3}, pixels), labels = idx(0x801, {3}, {2, 0, 1});
    writeRaw(path("img"), images);
    writeRaw(path("lab"), labels);
    writeGzip(path("img.gz"), images);
    writeGzip(path("lab.gz"), labels);

    for (const auto& [img, lab] : {std::pair{"img", "lab"}, std::pair{"img.gz", "lab.gz"}}) {
        const Dataset d = loadIdxPair(path(img), path(lab), classes3());
        QCOMPARE(d.size(), int64_t(3));
        QCOMPARE(d.sampleShape, (std::vector<int64_t>{1, 2, 3}));
        QCOMPARE(d.labels, (std::vector<int64_t>{2, 0, 1}));
        QVERIFY(d.task == Task::Multiclass);
        QCOMPARE(d.features[0], 0.0f);
        QCOMPARE(d.features[1], 15.0f / 255.0f);
        QCOMPARE(d.features[17], 1.0f);
        QCOMPARE(d.provenance.rows, int64_t(3));
        QCOMPARE(d.provenance.columns, int64_t(7));
        d.validate();
    }
    const IdxArray raw = readIdx(path("lab.gz"), 1);
    QCOMPARE(raw.dims, (std::vector<int64_t>{3}));
    QCOMPARE(raw.data, (std::vector<uint8_t>{2, 0, 1}));
}

/// The peak resident memory of this process so far, in bytes.
static int64_t peakMemory()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return int64_t(u.ru_maxrss) * 1024;
}

void TestDataIdx::oversizedHeaderAllocatesNothing()
{
    // A header declaring 2,000,000 images of 28 x 28 (1.5 GB) over 4 KB of
    // pixels is reported from the file's size, before any buffer is made.
    const std::string bomb = idx(0x803, {2000000, 28, 28}, std::vector<uint8_t>(4096, 0));
    writeRaw(path("bomb"), bomb);
    writeGzip(path("bomb.gz"), bomb);
    const int64_t before = peakMemory();
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("bomb"), 3); }),
                    path("bomb") + ": header declares 2000000 x 28 x 28 = 1568000000 bytes of data but the file holds 4096");
    // gzip'd: read in growing chunks, so memory follows the data that is there.
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("bomb.gz"), 3); }),
                    path("bomb.gz") + ": header declares 2000000 x 28 x 28 = 1568000000 bytes of data but the file holds 4096");
    // Its gzip trailer (the size mod 2^32) forged to match the header: a
    // hint only (the first buffer stays within what deflate can expand 4 KB
    // to), and zlib finds the lie at the end.
    std::string gz;
    {
        std::ifstream in(path("bomb.gz"), std::ios::binary);
        gz.assign(std::istreambuf_iterator<char>(in), {});
    }
    const uint32_t forged = uint32_t(16 + 1568000000u);
    for (int i = 0; i < 4; ++i) gz[gz.size() - 4 + size_t(i)] = char((forged >> (8 * i)) & 0xff);
    writeRaw(path("forged.gz"), gz);
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("forged.gz"), 3); }),
                    path("forged.gz") + ": gzip data is corrupt: incorrect length check");
    // Through the pair loader, with a limit too.
    writeRaw(path("lab"), idx(0x801, {2000000}, std::vector<uint8_t>(100, 0)));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { loadIdxPair(path("bomb.gz"), path("lab"), classes3(), 10); }),
                    path("bomb.gz") + ": header declares 2000000 x 28 x 28");
    const int64_t grown = peakMemory() - before;
    QVERIFY2(grown < (int64_t(200) << 20), qPrintable(QStringLiteral("peak memory grew by %1 MB").arg(grown >> 20)));

    // 2^40 bytes declared: a ParseError naming the file, not std::bad_alloc.
    writeRaw(path("huge"), idx(0x803, {1024, 1024, 1048576}, std::vector<uint8_t>(64, 1)));
    std::string msg;
    try {
        readIdx(path("huge"), 3);
    } catch (const tw::ParseError& e) {
        msg = e.what();
    } catch (const std::exception& e) {
        QFAIL(qPrintable(QStringLiteral("not a ParseError: ") + e.what()));
    }
    EXPECT_CONTAINS(msg, path("huge") + ": header declares 1024 x 1024 x 1048576 = 1099511627776 bytes of data but the file holds 64");
    // A product of dimensions beyond 64 bits.
    writeRaw(path("overflow"), idx(0x803, {0xffffffffu, 0xffffffffu, 0xffffffffu}, {}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("overflow"), 3); }),
                    path("overflow") + ": header declares 4294967295 x 4294967295 x 4294967295: more than 2^63 bytes");
}

void TestDataIdx::limit()
{
    std::vector<uint8_t> pixels(5 * 4);
    for (size_t i = 0; i < pixels.size(); ++i) pixels[i] = uint8_t(i);
    writeGzip(path("img.gz"), idx(0x803, {5, 2, 2}, pixels));
    writeRaw(path("lab"), idx(0x801, {5}, {0, 1, 2, 0, 1}));
    const Dataset d = loadIdxPair(path("img.gz"), path("lab"), classes3(), 2);
    QCOMPARE(d.size(), int64_t(2));
    QCOMPARE(d.labels, (std::vector<int64_t>{0, 1}));
    QCOMPARE(d.features[7], 7.0f / 255.0f);
    QCOMPARE(d.provenance.preprocessing, std::string("pixels scaled to [0, 1]; first 2 of 5 samples"));
    QCOMPARE(loadIdxPair(path("img.gz"), path("lab"), classes3(), 50).size(), int64_t(5));
}

void TestDataIdx::truncated()
{
    // The header promises 3 images of 28 x 28 (16 + 2352 bytes); 100 pixels follow.
    const std::string bytes = idx(0x803, {3, 28, 28}, std::vector<uint8_t>(100, 7));
    writeRaw(path("short-images"), bytes);
    writeGzip(path("short-images.gz"), bytes);
    std::string msg = errorOf<tw::ParseError>([&] { readIdx(path("short-images"), 3); });
    EXPECT_CONTAINS(msg, path("short-images") + ": header declares 3 x 28 x 28 = 2352 bytes of data but the file holds 100 (truncated)");
    msg = errorOf<tw::ParseError>([&] { readIdx(path("short-images.gz"), 3); });
    EXPECT_CONTAINS(msg, path("short-images.gz") + ": header declares 3 x 28 x 28 = 2352 bytes of data but the file holds 100 once decompressed (truncated)");

    // A gzip stream cut in the middle.
    const std::string full = idx(0x803, {4, 28, 28}, std::vector<uint8_t>(4 * 784, 1));
    writeGzip(path("cut.gz"), full);
    std::string gz;
    {
        std::ifstream in(path("cut.gz"), std::ios::binary);
        gz.assign(std::istreambuf_iterator<char>(in), {});
    }
    writeRaw(path("cut.gz"), gz.substr(0, gz.size() / 2));
    msg = errorOf<tw::ParseError>([&] { readIdx(path("cut.gz"), 3); });
    EXPECT_CONTAINS(msg, path("cut.gz") + ": ");
    EXPECT_CONTAINS(msg, "truncated");
    // Cut inside the pixels (random ones, which do not compress): the bytes that did arrive are counted.
    std::vector<uint8_t> noise(4 * 784);
    uint32_t x = 1;
    for (auto& v : noise) v = uint8_t((x = x * 1664525u + 1013904223u) >> 24);
    writeGzip(path("cut-noise.gz"), idx(0x803, {4, 28, 28}, noise));
    {
        std::ifstream in(path("cut-noise.gz"), std::ios::binary);
        gz.assign(std::istreambuf_iterator<char>(in), {});
    }
    writeRaw(path("cut-noise.gz"), gz.substr(0, gz.size() / 2));
    msg = errorOf<tw::ParseError>([&] { readIdx(path("cut-noise.gz"), 3); });
    EXPECT_CONTAINS(msg, path("cut-noise.gz") + ": header declares 4 x 28 x 28 = 3136 bytes of data but the file holds ");
    EXPECT_CONTAINS(msg, " once decompressed (truncated)");

    // Cut inside the header; an empty file.
    writeRaw(path("head"), bytes.substr(0, 10));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("head"), 3); }),
                    path("head") + ": truncated: a 16-byte IDX header expected, the file has 10 bytes");
    writeRaw(path("empty"), "");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("empty"), 1); }),
                    path("empty") + ": truncated: a 8-byte IDX header expected, the file has 0 bytes");
    // Through the pair loader the message still names the file.
    writeRaw(path("lab"), idx(0x801, {3}, {0, 1, 2}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { loadIdxPair(path("short-images.gz"), path("lab"), classes3()); }),
                    path("short-images.gz") + ": header declares 3 x 28 x 28");
}

void TestDataIdx::tooLong()
{
    writeGzip(path("long.gz"), idx(0x801, {3}, {0, 1, 2, 1, 1}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("long.gz"), 1); }),
                    path("long.gz") + ": header declares 3 = 3 bytes of data but the file holds 5 once decompressed (too long)");
    writeRaw(path("long"), idx(0x801, {3}, {0, 1, 2, 1, 1}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("long"), 1); }),
                    path("long") + ": header declares 3 = 3 bytes of data but the file holds 5 (too long)");
}

void TestDataIdx::wrongMagic()
{
    writeRaw(path("bad"), idx(0x804, {1, 2, 2}, {0, 0, 0, 0}));
    writeGzip(path("bad.gz"), idx(0x12345678, {1, 2, 2}, {0, 0, 0, 0}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("bad"), 3); }),
                    path("bad") + ": magic number 0x00000804 is not 0x00000803 (IDX unsigned bytes, 3 dimensions)");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("bad.gz"), 3); }),
                    path("bad.gz") + ": magic number 0x12345678 is not 0x00000803");
    // Labels where images are expected (and the other way round).
    writeRaw(path("lab"), idx(0x801, {2}, {0, 1}));
    writeGzip(path("img.gz"), idx(0x803, {2, 1, 1}, {0, 1}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { loadIdxPair(path("lab"), path("img.gz"), classes3()); }),
                    path("lab") + ": magic number 0x00000801 is not 0x00000803");
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("img.gz"), 1); }),
                    path("img.gz") + ": magic number 0x00000803 is not 0x00000801 (IDX unsigned bytes, 1 dimension)");
    // A zero dimension; a file that cannot be opened.
    writeRaw(path("zero"), idx(0x803, {2, 0, 2}, {}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { readIdx(path("zero"), 3); }), path("zero") + ": dimension 2 has size 0");
    EXPECT_CONTAINS(errorOf<tw::IoError>([&] { readIdx(path("nothing"), 3); }), path("nothing") + ": cannot open");
}

void TestDataIdx::countMismatchAndBadLabel()
{
    writeGzip(path("img.gz"), idx(0x803, {3, 1, 2}, {0, 1, 2, 3, 4, 5}));
    writeRaw(path("lab2"), idx(0x801, {2}, {0, 1}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { loadIdxPair(path("img.gz"), path("lab2"), classes3()); }),
                    path("img.gz") + " has 3 images but " + path("lab2") + " has 2 labels");
    // Even with a limit below both counts.
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { loadIdxPair(path("img.gz"), path("lab2"), classes3(), 1); }),
                    "has 3 images but");
    writeRaw(path("lab3"), idx(0x801, {3}, {0, 7, 1}));
    EXPECT_CONTAINS(errorOf<tw::ParseError>([&] { loadIdxPair(path("img.gz"), path("lab3"), classes3()); }),
                    path("lab3") + ": item 1: label 7 is not below 3 (the number of classes)");
}

void TestDataIdx::fashionMnistMissing()
{
    const std::string dir = path("no-such-dir");
    const std::string msg = errorOf<tw::IoError>([&] { loadFashionMnist("train", dir); });
    EXPECT_CONTAINS(msg, dir + "/train-images-idx3-ubyte.gz not found");
    EXPECT_CONTAINS(msg, "dataset-fashion-mnist");
    EXPECT_CONTAINS(errorOf<std::invalid_argument>([] { loadFashionMnist("validation"); }),
                    "split 'validation' is not one of train, test");
    // The names without .gz are accepted.
    std::filesystem::create_directory(dir);
    writeRaw(dir + "/t10k-images-idx3-ubyte", idx(0x803, {2, 28, 28}, std::vector<uint8_t>(2 * 784, 255)));
    writeRaw(dir + "/t10k-labels-idx1-ubyte", idx(0x801, {2}, {9, 3}));
    const Dataset d = loadFashionMnist("test", dir);
    QCOMPARE(d.name, std::string("fashion-mnist-test"));
    QCOMPARE(d.classNames[size_t(d.labels[0])], std::string("Ankle boot"));
    QCOMPARE(d.classNames[size_t(d.labels[1])], std::string("Dress"));
}

void TestDataIdx::fashionMnistReal()
{
    const std::string dir = kFashionMnistDir;
    if (!std::filesystem::exists(dir + "/train-images-idx3-ubyte.gz"))
        QSKIP("Fashion-MNIST is not installed (Debian package dataset-fashion-mnist, /usr/share/datasets/fashion-mnist)");
    QElapsedTimer timer;
    timer.start();
    const Dataset train = loadFashionMnist("train");
    const qint64 ms = timer.elapsed();
    qInfo("loaded 60,000 training images in %lld ms", ms);
    QVERIFY2(ms < 5000, qPrintable(QStringLiteral("loading took %1 ms").arg(ms)));
    const Dataset test = loadFashionMnist("test");
    QCOMPARE(train.size(), int64_t(60000));
    QCOMPARE(test.size(), int64_t(10000));
    QCOMPARE(train.sampleShape, (std::vector<int64_t>{1, 28, 28}));
    QCOMPARE(train.features.size(), size_t(60000) * 784);
    QCOMPARE(train.numClasses(), 10);
    QCOMPARE(train.classNames, fashionMnistClassNames());
    QCOMPARE(train.classNames[0], std::string("T-shirt/top"));
    QCOMPARE(train.classNames[9], std::string("Ankle boot"));
    QCOMPARE(train.classCounts(), std::vector<int64_t>(10, 6000));
    QCOMPARE(test.classCounts(), std::vector<int64_t>(10, 1000));
    const auto [lo, hi] = std::minmax_element(train.features.begin(), train.features.end());
    QCOMPARE(*lo, 0.0f);
    QCOMPARE(*hi, 1.0f);
    train.validate();
    test.validate();
    // The well-known first training label is 9 (Ankle boot); a limit keeps the first samples.
    QCOMPARE(train.labels[0], int64_t(9));
    const Dataset first = loadFashionMnist("train", dir, 100);
    QCOMPARE(first.size(), int64_t(100));
    QVERIFY(std::equal(first.features.begin(), first.features.end(), train.features.begin()));
    QVERIFY(std::equal(first.labels.begin(), first.labels.end(), train.labels.begin()));
}

QTEST_APPLESS_MAIN(TestDataIdx)
#include "test_data_idx.moc"
