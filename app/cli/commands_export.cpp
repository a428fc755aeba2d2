// tw export: trials to CSV and JSON.
#include "cli/commands.h"

#include "space/search_space.h"
#include "study/export.h"
#include "study/study.h"

namespace tw::cli {

int cmdExport(Context& ctx)
{
    Args a = parseArgs(ctx, {{"study"}, {"csv"}, {"json"}});
    if (a.help())
        return 0;
    const StudyRef ref = studyRef(a);
    if (!a.has("csv") && !a.has("json"))
        throw usageError("one of --csv, --json is required");
    // Both outputs are checked before either is written.
    for (const char* flag : {"csv", "json"})
        if (auto out = a.get(flag))
            refuseStudyOutput(flag, *out, ref.inFile() ? ref.study : std::string());
    auto study = openStudy(ref);
    const auto trials = study->trials();
    ordered_json o;
    o["trials"] = trials.size();
    if (auto csv = a.get("csv")) {
        study::writeTrialsCsv(*csv, study->space(), trials);
        o["csv"] = *csv;
    }
    if (auto json = a.get("json")) {
        study::writeTrialsJson(*json, study->space(), trials);
        o["json"] = *json;
    }
    printLine(ctx.out, o);
    printWarnings(ctx, *study);
    return 0;
}

} // namespace tw::cli
