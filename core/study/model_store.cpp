#include "study/model_store.h"

#include "util/errors.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace tw::study {

namespace fs = std::filesystem;

namespace {

const std::string kPrefix = "trial-";
const std::string kSuffix = ".model";

/// The trial number of "trial-12.model", or -1 for any other name.
int numberOf(const std::string& file)
{
    if (file.size() <= kPrefix.size() + kSuffix.size() || file.rfind(kPrefix, 0) != 0 ||
        file.compare(file.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0)
        return -1;
    const std::string digits = file.substr(kPrefix.size(), file.size() - kPrefix.size() - kSuffix.size());
    if (digits.empty() || digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), ::isdigit)) return -1;
    return std::stoi(digits);
}

void removeQuietly(const std::string& path)
{
    std::error_code ec;
    fs::remove(path, ec);
}

} // namespace

std::string modelFolderFor(const std::string& studyPath)
{
    fs::path p(studyPath);
    if (p.has_extension() && p.extension() != kSuffix + "s") p.replace_extension(".models");
    else p += ".models";
    return p.string();
}

ModelStore::ModelStore(std::string folder, int keep) : _folder(std::move(folder)), _keep(std::max(0, keep)) {}

std::string ModelStore::modelPath(int number) const
{
    return (fs::path(_folder) / (kPrefix + std::to_string(number) + kSuffix)).string();
}

std::string ModelStore::stagedPath(int number) const
{
    // A dot name: kept() and a reader listing the folder do not see it.
    return (fs::path(_folder) / ("." + kPrefix + std::to_string(number) + kSuffix + ".part")).string();
}

std::string ModelStore::stagingPath(int number) const
{
    std::error_code ec;
    fs::create_directories(_folder, ec);
    if (ec) throw IoError(_folder + ": cannot create the folder of the study's models: " + ec.message());
    return stagedPath(number);
}

bool ModelStore::has(int number) const
{
    std::error_code ec;
    return fs::is_regular_file(modelPath(number), ec) && fs::is_regular_file(modelPath(number) + ".json", ec);
}

std::vector<int> ModelStore::kept() const
{
    std::vector<int> out;
    std::error_code ec;
    for (fs::directory_iterator it(_folder, ec), end; !ec && it != end; it.increment(ec)) {
        const int n = numberOf(it->path().filename().string());
        if (n >= 0 && has(n)) out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    return out;
}

void ModelStore::discard(int number) const
{
    const std::string staged = stagedPath(number);
    removeQuietly(staged);
    removeQuietly(staged + ".json");
}

bool ModelStore::settle(int number, const std::vector<Trial>& trials, Direction direction) const
{
    const std::vector<int> best = bestTrialNumbers(trials, direction, size_t(_keep));
    const bool keepThis = std::find(best.begin(), best.end(), number) != best.end();
    const std::string staged = stagedPath(number);
    std::error_code ec;
    if (keepThis && fs::is_regular_file(staged, ec) && fs::is_regular_file(staged + ".json", ec)) {
        // The card first: has() needs both, so a reader never sees a model without its card.
        for (const std::string ext : {".json", ""}) {
            fs::rename(staged + ext, modelPath(number) + ext, ec);
            if (ec) throw IoError(modelPath(number) + ext + ": cannot keep the model of trial " + std::to_string(number) +
                                  ": " + ec.message());
        }
    } else {
        removeQuietly(staged);
        removeQuietly(staged + ".json");
    }
    for (int n : kept())
        if (std::find(best.begin(), best.end(), n) == best.end()) {
            removeQuietly(modelPath(n));
            removeQuietly(modelPath(n) + ".json");
        }
    return keepThis && has(number);
}

} // namespace tw::study
