// tw studies / copy / delete: studies in a storage reached by URL
// (PostgreSQL), and moving a study between a file and a database.
#include "cli/commands.h"

#include "study/storage_backend.h"
#include "study/study.h"
#include "util/errors.h"
#include "util/printable.h"

#include <cmath>
#include <filesystem>
#include <ostream>

namespace tw::cli {

namespace {

/// One side of `tw copy`: a study file, or a study (by --name) in a storage URL.
struct Place {
    std::string where; // the file or the URL
    bool url = false;
};

Place placeOf(const Args& a, const char* flag)
{
    Place p;
    p.where = a.required(flag);
    p.url = study::looksLikeUrl(p.where);
    return p;
}

std::string defaultName(const Place& from, const Place& to)
{
    if (!from.url) return std::filesystem::path(from.where).stem().string();
    if (!to.url) return std::filesystem::path(to.where).stem().string();
    return {};
}

} // namespace

int cmdStudies(Context& ctx)
{
    Args a = parseArgs(ctx, {{"storage"}});
    if (a.help())
        return 0;
    const std::string url = a.required("storage");
    auto backend = study::connectBackend(url);
    for (const study::StoredStudy& s : backend->list()) {
        ordered_json o;
        o["name"] = s.name;
        o["events"] = s.events;
        o["created"] = isoTime(s.createdAt);
        o["last_activity"] = isoTime(s.updatedAt);
        // Trials and best come from replaying the study, as every command sees it.
        const study::StudySummary sum = study::summarize(*backend, s);
        if (sum.error.empty()) {
            o["trials"] = sum.trials;
            o["complete"] = sum.complete;
            o["running"] = sum.running;
            o["direction"] = sum.direction;
            o["best"] = sum.best ? ordered_json(*sum.best) : ordered_json();
        } else {
            o["error"] = sum.error;
        }
        printLine(ctx.out, o);
    }
    return 0;
}

int cmdCopy(Context& ctx)
{
    Args a = parseArgs(ctx, {{"from"}, {"to"}, {"name"}, {"to-name"}});
    if (a.help())
        return 0;
    const Place from = placeOf(a, "from"), to = placeOf(a, "to");
    if (!from.url && !to.url)
        throw usageError("--from and --to are both files; copy a study file with cp, or name a storage URL");
    const std::string name = a.get("name").value_or(defaultName(from, to));
    if (name.empty()) throw usageError("--name is required when --from and --to are both storage URLs");
    const std::string toName = a.get("to-name").value_or(name);

    std::unique_ptr<study::StorageBackend> fromBackend, toBackend;
    std::unique_ptr<study::Storage> source, target;
    if (from.url) {
        fromBackend = study::connectBackend(from.where);
        source = fromBackend->study(name, study::StorageBackend::Mode::Open);
    } else {
        if (!study::isStudyFile(from.where)) throw failure(from.where + ": not a study file");
        source = std::make_unique<study::JournalStorage>(from.where, study::JournalStorage::Mode::Open);
    }
    // Checked before anything is created: the source replays as a study.
    auto check = study::Study::open(std::move(source));
    const size_t trials = check->trials().size();
    check.reset();
    if (from.url)
        source = fromBackend->study(name, study::StorageBackend::Mode::Open);
    else
        source = std::make_unique<study::JournalStorage>(from.where, study::JournalStorage::Mode::Open);

    if (to.url) {
        toBackend = study::connectBackend(to.where);
        target = toBackend->study(toName, study::StorageBackend::Mode::Create);
    } else {
        std::error_code ec;
        if (std::filesystem::exists(to.where, ec))
            throw failure(to.where + ": file exists; a study is never copied over a file");
        target = std::make_unique<study::JournalStorage>(to.where, study::JournalStorage::Mode::Create);
    }
    const long long events = study::copyEvents(*source, *target);
    ordered_json o;
    o["from"] = from.url ? study::redactUrl(from.where) : from.where;
    o["to"] = to.url ? study::redactUrl(to.where) : to.where;
    if (from.url || to.url) o["name"] = name;
    if (toName != name) o["to_name"] = toName;
    o["events"] = events;
    o["trials"] = trials;
    printLine(ctx.out, o);
    return 0;
}

int cmdDelete(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    if (ref.inFile()) {
        if (!study::isStudyFile(ref.study)) throw failure(ref.study + ": not a study file; nothing deleted");
        std::error_code ec;
        std::filesystem::remove(ref.study, ec);
        if (ec) throw IoError("cannot delete " + ref.study + ": " + ec.message());
    } else {
        auto backend = study::connectBackend(ref.storage);
        if (!backend->remove(ref.study))
            throw failure(backend->describe() + ": no study named '" + printable(ref.study) + "'");
    }
    ordered_json o;
    ref.describeIn(o);
    o["deleted"] = true;
    printLine(ctx.out, o);
    return 0;
}

} // namespace tw::cli
