// What a PostgreSQL URL says about where its server is, as libpq reads it.
#include "pg/pg_storage.h"

#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace tw::pg {

namespace {

/// "" when `host` (one entry of libpq's comma-separated list) may be reached
/// from another machine, else how it reaches this one.
std::string localEntry(const std::string& host)
{
    if (host.empty()) return "libpq's default Unix socket";
    if (host[0] == '/' || host[0] == '@') return "a Unix socket (" + host + ")";
    if (host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0 || host.rfind("localhost.", 0) == 0)
        return host;
    return {};
}

} // namespace

std::string localOnlyServer(const std::string& url)
{
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
    if (!options) {
        if (error) PQfreemem(error);
        return {};
    }
    std::string host, hostaddr;
    for (const PQconninfoOption* o = options; o->keyword; ++o) {
        if (!o->val) continue;
        if (std::strcmp(o->keyword, "host") == 0) host = o->val;
        else if (std::strcmp(o->keyword, "hostaddr") == 0) hostaddr = o->val;
    }
    PQconninfoFree(options);
    // hostaddr is what libpq connects to when given; PGHOST fills an empty host.
    if (!hostaddr.empty()) host = hostaddr;
    if (host.empty())
        if (const char* env = std::getenv("PGHOST")) host = env;
    // A list of hosts is local only when every one of them is.
    std::string first;
    std::stringstream entries(host);
    std::string entry;
    bool any = false;
    while (std::getline(entries, entry, ',')) {
        any = true;
        const std::string local = localEntry(entry);
        if (local.empty()) return {};
        if (first.empty()) first = local;
    }
    return any ? first : localEntry("");
}

} // namespace tw::pg
