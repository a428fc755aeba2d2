#include "study/storage_backend.h"

#include "study/study.h"
#include "util/printable.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <stdexcept>

namespace tw::study {

namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, BackendFactory> factories;
};

Registry& registry()
{
    static Registry r;
    return r;
}

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

/// The scheme of "scheme://...", or "" when `text` is not such a URL.
std::string schemeOf(const std::string& text)
{
    const size_t colon = text.find("://");
    if (colon == std::string::npos || colon == 0) return {};
    for (size_t i = 0; i < colon; ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const bool ok = std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
        if (!ok) return {};
    }
    return lower(text.substr(0, colon));
}

/// [begin, end) of the user info "user[:password]" before '@' in the
/// authority, or npos when there is none.
std::pair<size_t, size_t> userInfo(const std::string& url)
{
    const size_t start = url.find("://");
    if (start == std::string::npos) return {std::string::npos, std::string::npos};
    const size_t begin = start + 3;
    const size_t authorityEnd = url.find_first_of("/?#", begin);
    const size_t at = url.rfind('@', authorityEnd == std::string::npos ? std::string::npos : authorityEnd);
    if (at == std::string::npos || at < begin) return {std::string::npos, std::string::npos};
    return {begin, at};
}

/// [begin, end) of the value of a "password=" query parameter, or npos.
std::pair<size_t, size_t> passwordParameter(const std::string& url)
{
    const size_t q = url.find('?');
    if (q == std::string::npos) return {std::string::npos, std::string::npos};
    size_t pos = q + 1;
    while (pos <= url.size()) {
        size_t end = url.find('&', pos);
        if (end == std::string::npos) end = url.size();
        const std::string item = url.substr(pos, end - pos);
        if (lower(item.substr(0, 9)) == "password=") return {pos + 9, end};
        pos = end + 1;
    }
    return {std::string::npos, std::string::npos};
}

} // namespace

void registerBackend(const std::string& scheme, BackendFactory factory)
{
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.factories[lower(scheme)] = std::move(factory);
}

bool looksLikeUrl(const std::string& text)
{
    return !schemeOf(text).empty();
}

bool urlHasPassword(const std::string& url)
{
    const auto [begin, end] = userInfo(url);
    if (begin != std::string::npos && url.find(':', begin) < end) return true;
    return passwordParameter(url).first != std::string::npos;
}

std::string redactUrl(const std::string& url)
{
    std::string out = url;
    const auto [pb, pe] = passwordParameter(out);
    if (pb != std::string::npos) {
        // Drop "password=..." and the '&' that joined it.
        size_t from = pb - 9, to = pe;
        if (to < out.size() && out[to] == '&') ++to;
        else if (from > 0 && out[from - 1] == '&') --from;
        out.erase(from, to - from);
        if (!out.empty() && out.back() == '?') out.pop_back();
    }
    const auto [ub, ue] = userInfo(out);
    if (ub != std::string::npos) {
        const size_t colon = out.find(':', ub);
        if (colon < ue) out.erase(colon, ue - colon);
    }
    return out;
}

std::unique_ptr<StorageBackend> connectBackend(const std::string& url)
{
    const std::string scheme = schemeOf(url);
    if (scheme.empty())
        throw std::invalid_argument("--storage: expected a URL such as postgresql://USER@HOST:PORT/DB (got '" +
                                    printable(url) + "'; a study file is given with --study FILE alone)");
    if (urlHasPassword(url))
        throw std::invalid_argument("--storage " + printable(redactUrl(url)) +
                                    ": the URL holds a password, and URLs show in process lists and logs; "
                                    "put it in ~/.pgpass, PGPASSFILE or PGPASSWORD instead");
    BackendFactory factory;
    std::string known;
    {
        Registry& r = registry();
        std::lock_guard lock(r.mutex);
        auto it = r.factories.find(scheme);
        if (it != r.factories.end()) factory = it->second;
        for (const auto& [name, f] : r.factories) known += (known.empty() ? "" : ", ") + name + "://";
    }
    if (!factory)
        throw std::invalid_argument("--storage " + printable(url) + ": unknown storage '" + printable(scheme) +
                                    "://' (known: " + (known.empty() ? std::string("none") : known) + ")");
    return factory(url);
}

void checkStudyName(const std::string& name)
{
    if (name.empty()) throw std::invalid_argument("study name must not be empty");
    if (name.size() > 200)
        throw std::invalid_argument("study name is " + std::to_string(name.size()) + " bytes long (at most 200)");
    if (printable(name) != name)
        throw std::invalid_argument("study name '" + printable(name) +
                                    "' must not contain control characters or invalid UTF-8");
}

long long copyEvents(Storage& from, Storage& to)
{
    std::vector<nlohmann::json> events;
    from.transact(false, [&events](const nlohmann::json& e, long) { events.push_back(e); }, {});
    if (events.empty()) throw IoError(from.describe() + ": no events to copy (not a study)");
    // Checked before (events this object already read) and inside the
    // transaction (events another process appended meanwhile).
    if (!to.empty()) throw IoError(to.describe() + ": not empty; refusing to copy a study over it");
    long long existing = 0;
    to.transact(
        true, [&existing](const nlohmann::json&, long) { ++existing; },
        [&]() -> std::vector<nlohmann::json> {
            if (existing > 0) throw IoError(to.describe() + ": not empty; refusing to copy a study over it");
            return events;
        });
    return (long long)events.size();
}

StudySummary summarize(StorageBackend& backend, const StoredStudy& s)
{
    StudySummary out;
    out.stored = s;
    try {
        auto st = Study::open(backend.study(s.name, StorageBackend::Mode::Open));
        const auto trials = st->trials();
        out.trials = int(trials.size());
        for (const auto& t : trials) {
            out.complete += t.state == TrialState::Complete;
            out.running += t.state == TrialState::Running;
        }
        out.direction = toString(st->direction());
        // The best-trial rule on the snapshot already read (no second read).
        const auto best = bestTrialNumbers(trials, st->direction(), 1);
        if (!best.empty()) out.best = *trials[size_t(best.front())].value;
    } catch (const StorageUnavailableError&) {
        throw;
    } catch (const std::exception& e) {
        out.error = printable(e.what());
    }
    return out;
}

} // namespace tw::study
