// PostgreSQL study storage: the journal's events as rows (pg_storage.h).
#include "pg/pg_storage.h"

#include "study/storage_backend.h"
#include "util/errors.h"
#include "util/json_read.h"
#include "util/printable.h"

#include <libpq-fe.h>
#include <nlohmann/json.hpp>

#include <poll.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace tw::pg {

using nlohmann::json;
using study::Storage;
using study::StorageBackend;
using study::StorageUnavailableError;
using study::StoredStudy;

namespace {

// Any constant shared by every tw: the advisory lock that serializes schema
// creation and migration between processes connecting at once.
constexpr const char* kSchemaLockKey = "7461393217";

std::string trimmed(const char* text)
{
    std::string s = text ? text : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return printable(s);
}

/// One PGresult, cleared when it goes.
class Result {
public:
    explicit Result(PGresult* r) : _r(r) {}
    ~Result() { PQclear(_r); }
    Result(Result&& o) noexcept : _r(o._r) { o._r = nullptr; }
    Result(const Result&) = delete;
    Result& operator=(const Result&) = delete;
    PGresult* get() const { return _r; }
    int rows() const { return PQntuples(_r); }
    bool null(int row, int col) const { return PQgetisnull(_r, row, col) != 0; }
    std::string text(int row, int col) const { return PQgetvalue(_r, row, col); }
    long long integer(int row, int col) const { return std::stoll(text(row, col)); }
    double number(int row, int col) const { return std::stod(text(row, col)); }

private:
    PGresult* _r;
};

/// A libpq connection. Every statement goes through exec() with bound
/// parameters; nothing from a user is ever pasted into SQL text.
class Connection {
public:
    Connection(std::string url, std::string shown) : _url(std::move(url)), _shown(std::move(shown))
    {
        // A server that does not answer (a host down, a firewall dropping
        // packets) would hold a connect for the system's TCP timeout, about
        // two minutes, and with it whoever waits on this call (a worker, the
        // window's watcher, closing the window). 10 s unless the URL says
        // otherwise: its own connect_timeout comes later and wins.
        const char* keys[] = {"connect_timeout", "dbname", nullptr};
        const char* values[] = {"10", _url.c_str(), nullptr};
        _conn = PQconnectdbParams(keys, values, 1);
        if (!_conn) throw StorageUnavailableError(_shown + ": cannot connect: out of memory");
        if (PQstatus(_conn) != CONNECTION_OK) {
            const std::string why = trimmed(PQerrorMessage(_conn));
            PQfinish(_conn);
            _conn = nullptr;
            throw StorageUnavailableError(_shown + ": cannot connect: " + why);
        }
        quiet();
    }
    ~Connection()
    {
        if (_conn) PQfinish(_conn);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    const std::string& shown() const { return _shown; }
    /// The URL it connects with (for a second connection to the same server).
    const std::string& url() const { return _url; }

    /// Waits up to `seconds` for notifications on a channel this connection
    /// LISTENs to and returns their payloads (none when the time passed).
    /// Throws StorageUnavailableError when the connection is gone.
    std::vector<std::string> notifications(double seconds)
    {
        std::vector<std::string> out;
        const auto take = [&] {
            for (PGnotify* n; (n = PQnotifies(_conn)) != nullptr; PQfreemem(n)) out.push_back(n->extra ? n->extra : "");
        };
        take();
        if (!out.empty()) return out;
        const int fd = PQsocket(_conn);
        if (fd < 0) fail("LISTEN");
        pollfd p{fd, POLLIN, 0};
        const int ready = ::poll(&p, 1, int(seconds * 1000));
        if (ready > 0) {
            if (PQconsumeInput(_conn) != 1) {
                _broken = true;
                throw StorageUnavailableError(_shown + ": connection lost: " + trimmed(PQerrorMessage(_conn)));
            }
            take();
        }
        return out;
    }

    /// Reconnects a connection that was lost (the server restarted, ...).
    /// Throws StorageUnavailableError while it cannot.
    void ensureConnected()
    {
        // libpq may still report CONNECTION_OK on a socket the server closed.
        if (!_broken && PQstatus(_conn) == CONNECTION_OK) return;
        PQreset(_conn);
        _prepared.clear(); // a new session: its prepared statements are gone
        if (PQstatus(_conn) != CONNECTION_OK)
            throw StorageUnavailableError(_shown + ": cannot reconnect: " + trimmed(PQerrorMessage(_conn)));
        _broken = false;
        quiet();
    }

    /// Runs `sql` with text parameters (nullopt: NULL). Throws
    /// StorageUnavailableError when the connection is gone, IoError naming
    /// the server's message otherwise.
    Result exec(const char* sql, const std::vector<std::optional<std::string>>& params = {})
    {
        std::vector<const char*> values;
        values.reserve(params.size());
        for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
        if (params.empty()) {
            Result r(PQexecParams(_conn, sql, 0, nullptr, nullptr, nullptr, nullptr, 0));
            check(r, sql);
            return r;
        }
        // A statement with parameters is prepared once per connection, then
        // only executed: sent with PQexecParams, each was parsed and planned
        // again on every call, and planning took more of the server's time
        // than executing (pg_stat_statements: 0.29 s against 0.23 s for
        // 1,000 trials; README Performance).
        auto it = _prepared.find(sql);
        if (it == _prepared.end()) {
            const std::string name = "tw_" + std::to_string(_prepared.size());
            Result p(PQprepare(_conn, name.c_str(), sql, int(values.size()), nullptr));
            check(p, sql);
            it = _prepared.emplace(sql, name).first;
        }
        Result r(PQexecPrepared(_conn, it->second.c_str(), int(values.size()), values.data(), nullptr, nullptr, 0));
        check(r, sql);
        return r;
    }

    /// SQLSTATE of the last failed statement ("" when none).
    const std::string& lastState() const { return _state; }

    /// Streams `lines` into `COPY table (columns) FROM STDIN` (text format).
    void copyIn(const char* sql, const std::vector<std::string>& lines)
    {
        Result start(PQexec(_conn, sql));
        if (PQresultStatus(start.get()) != PGRES_COPY_IN) check(start, sql);
        std::string buf;
        for (const std::string& l : lines) {
            buf += l;
            buf += '\n';
            if (buf.size() > (1u << 20)) {
                if (PQputCopyData(_conn, buf.data(), int(buf.size())) != 1) fail("COPY");
                buf.clear();
            }
        }
        if (!buf.empty() && PQputCopyData(_conn, buf.data(), int(buf.size())) != 1) fail("COPY");
        if (PQputCopyEnd(_conn, nullptr) != 1) fail("COPY");
        for (PGresult* r; (r = PQgetResult(_conn)) != nullptr;) {
            Result end(r);
            check(end, sql);
        }
    }

    /// Rolls back an open transaction, quietly (the error that made us do it
    /// is the one worth reporting).
    void rollbackQuietly()
    {
        if (_broken || PQstatus(_conn) != CONNECTION_OK) return;
        if (PQtransactionStatus(_conn) == PQTRANS_IDLE) return;
        PQclear(PQexec(_conn, "ROLLBACK"));
    }

private:
    void quiet()
    {
        // CREATE TABLE IF NOT EXISTS and friends send NOTICEs to stderr.
        PQsetNoticeProcessor(_conn, [](void*, const char*) {}, nullptr);
    }

    [[noreturn]] void fail(const char* what)
    {
        const std::string why = trimmed(PQerrorMessage(_conn));
        if (PQstatus(_conn) != CONNECTION_OK) {
            _broken = true;
            throw StorageUnavailableError(_shown + ": connection lost: " + why);
        }
        throw IoError(_shown + ": " + what + " failed: " + why);
    }

    void check(const Result& r, const char* sql)
    {
        const ExecStatusType st = PQresultStatus(r.get());
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            _state.clear();
            return;
        }
        const char* state = r.get() ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
        _state = state ? state : "";
        const char* message = r.get() ? PQresultErrorMessage(r.get()) : PQerrorMessage(_conn);
        // No SQLSTATE: libpq's own error, the connection broke (the server
        // closed it, ...). Class 08 is a connection exception; 57P01..03: the
        // server is shutting down or not yet accepting connections.
        if (PQstatus(_conn) != CONNECTION_OK || _state.empty() || _state.rfind("08", 0) == 0 ||
            _state.rfind("57P0", 0) == 0) {
            _broken = true;
            throw StorageUnavailableError(_shown + ": connection lost: " + trimmed(message));
        }
        std::string first = sql;
        first = first.substr(0, first.find_first_of(" \n"));
        throw IoError(_shown + ": " + first + " failed: " + trimmed(message));
    }

    std::string _url, _shown;
    PGconn* _conn = nullptr;
    std::string _state;
    std::map<std::string, std::string> _prepared; // SQL text -> its prepared statement's name
    bool _broken = false; // a statement found the connection gone: reset before the next
};

/// Creates the schema on first use, migrates an older one, refuses a newer
/// one. Under an advisory lock so that processes connecting at once do it once.
void ensureSchema(Connection& c)
{
    // The common case, without any lock: the schema is there and current.
    try {
        Result v = c.exec("SELECT max(version) FROM tw_schema");
        if (v.rows() == 1 && !v.null(0, 0) && v.integer(0, 0) == kSchemaVersion) return;
    } catch (const StorageUnavailableError&) {
        throw;
    } catch (const IoError&) {
        if (c.lastState() != "42P01") throw; // anything but "no such table"
    }
    c.exec("BEGIN");
    try {
        c.exec("SELECT pg_advisory_xact_lock($1::bigint)", {std::string(kSchemaLockKey)});
        c.exec("CREATE TABLE IF NOT EXISTS tw_schema (version integer NOT NULL)");
        Result v = c.exec("SELECT max(version) FROM tw_schema");
        const long long version = v.null(0, 0) ? 0 : v.integer(0, 0);
        if (version > kSchemaVersion)
            throw IoError(c.shown() + ": the database holds tw schema version " + std::to_string(version) +
                          ", newer than this tw reads (version " + std::to_string(kSchemaVersion) +
                          "); use a newer tw");
        if (version < 1) {
            c.exec("CREATE TABLE tw_studies ("
                   " study_id bigserial PRIMARY KEY,"
                   " name text NOT NULL UNIQUE,"
                   " created_at timestamptz NOT NULL DEFAULT now(),"
                   " updated_at timestamptz NOT NULL DEFAULT now(),"
                   " events bigint NOT NULL DEFAULT 0)");
            c.exec("CREATE TABLE tw_events ("
                   " study_id bigint NOT NULL REFERENCES tw_studies (study_id) ON DELETE CASCADE,"
                   " seq bigint NOT NULL,"
                   " body text NOT NULL,"
                   " PRIMARY KEY (study_id, seq))");
        }
        // Later versions migrate here, one step at a time (if version < 2 ...).
        if (version < kSchemaVersion) {
            c.exec("DELETE FROM tw_schema");
            c.exec("INSERT INTO tw_schema (version) VALUES ($1)", {std::to_string(kSchemaVersion)});
        }
        c.exec("COMMIT");
    } catch (...) {
        c.rollbackQuietly();
        throw;
    }
}

std::string dumpLine(const json& e)
{
    // As JournalStorage writes a line: invalid UTF-8 replaced, never thrown.
    return e.dump(-1, ' ', false, json::error_handler_t::replace);
}

/// COPY's text format: backslash, and the characters it would take for
/// field or row ends, escaped. (A JSON dump has no raw newline or tab, but
/// the escaping must not rely on it.)
std::string copyField(const std::string& s)
{
    std::string out;
    out.reserve(s.size() + 8);
    for (char ch : s) {
        switch (ch) {
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default: out += ch;
        }
    }
    return out;
}

/// Every append to a study notifies channel tw_events with the study's id
/// (in the appending transaction: delivered at commit). The feed LISTENs on
/// its own connection, so a window waiting on it never holds the study's.
class PgChangeFeed : public study::ChangeFeed {
public:
    PgChangeFeed(std::string url, std::string shown, std::string id)
        : _url(std::move(url)), _shown(std::move(shown)), _id(std::move(id))
    {
    }

    bool wait(double seconds) override
    {
        try {
            if (!_c) {
                _c = std::make_unique<Connection>(_url, _shown);
                _c->exec("LISTEN tw_events");
                return true; // whatever was appended while not listening
            }
            for (const std::string& id : _c->notifications(seconds))
                if (_id.empty() || id == _id) return true;
            return false;
        } catch (const std::exception&) {
            // The server is away (or restarting): wait, and connect again next time.
            _c.reset();
            std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
            return true;
        }
    }

private:
    std::string _url, _shown, _id;
    std::unique_ptr<Connection> _c;
};

class PgStorage : public Storage {
public:
    /// `conn` names the study in its messages; `url` is the backend's URL as shown.
    PgStorage(std::unique_ptr<Connection> conn, const std::string& url, std::string name, StorageBackend::Mode mode)
        : _c(std::move(conn)), _name(std::move(name)), _url(url)
    {
        _shown = _c->shown();
        if (mode == StorageBackend::Mode::Create) {
            Result r = _c->exec("SELECT 1 FROM tw_studies WHERE name = $1", {_name});
            if (r.rows() > 0) throw study::StudyExistsError(_url + ": a study named '" + printable(_name) + "' already exists");
        } else {
            Result r = _c->exec("SELECT study_id FROM tw_studies WHERE name = $1", {_name});
            if (r.rows() == 0)
                throw IoError(_url + ": no study named '" + printable(_name) +
                              "' (`tw studies --storage URL` lists them)");
            _id = r.text(0, 0);
        }
    }

    std::string describe() const override { return _shown; }

    std::unique_ptr<study::ChangeFeed> changeFeed() const override
    {
        return std::make_unique<PgChangeFeed>(_c->url(), _shown, _id);
    }

    bool empty() override
    {
        if (_id.empty()) return true;
        _c->ensureConnected();
        Result r = _c->exec("SELECT events FROM tw_studies WHERE study_id = $1", {_id});
        return r.rows() == 0 || r.integer(0, 0) == 0;
    }

    void transact(bool exclusive, const ApplyFn& apply, const BodyFn& body) override
    {
        _c->ensureConnected();
        if (!exclusive) {
            if (_id.empty()) return; // not created yet: no events
            // One statement: one snapshot, in which every event up to the
            // last is committed (writers append under the study row's lock).
            applyRows(fetchNew(), apply);
            if (body && !body().empty())
                throw std::logic_error("Storage::transact: appending needs the exclusive lock");
            return;
        }
        std::vector<std::string> lines;
        _c->exec("BEGIN");
        try {
            if (_id.empty()) {
                // Created with its first event, in one transaction: nobody
                // ever sees a study without its study_created line.
                Result r = _c->exec("INSERT INTO tw_studies (name) VALUES ($1) ON CONFLICT (name) DO NOTHING "
                                    "RETURNING study_id",
                                    {_name});
                if (r.rows() == 0)
                    throw study::StudyExistsError(_url + ": a study named '" + printable(_name) + "' already exists");
                _newId = r.text(0, 0);
            } else {
                Result lock = _c->exec("SELECT events FROM tw_studies WHERE study_id = $1 FOR UPDATE", {_id});
                if (lock.rows() == 0) throw IoError(_shown + ": the study was deleted meanwhile; nothing written");
                applyRows(fetchNew(), apply);
            }
            const std::vector<json> out = body ? body() : std::vector<json>{};
            if (_id.empty() && out.empty()) {
                // Nothing to create it with: no study, not an empty one.
                _c->exec("ROLLBACK");
                _newId.clear();
                return;
            }
            const std::string& id = _id.empty() ? _newId : _id;
            if (!out.empty()) {
                lines.reserve(out.size());
                for (const json& e : out) lines.push_back(dumpLine(e));
                if (lines.size() == 1) {
                    _c->exec("INSERT INTO tw_events (study_id, seq, body) VALUES ($1, $2, $3)",
                             {id, std::to_string(_last + 1), lines.front()});
                } else {
                    std::vector<std::string> rows;
                    rows.reserve(lines.size());
                    long long seq = _last;
                    for (const std::string& l : lines)
                        rows.push_back(id + "\t" + std::to_string(++seq) + "\t" + copyField(l));
                    _c->copyIn("COPY tw_events (study_id, seq, body) FROM STDIN", rows);
                }
                _c->exec("UPDATE tw_studies SET events = $2, updated_at = now() WHERE study_id = $1",
                         {id, std::to_string(_last + (long long)lines.size())});
                // Delivered at commit to every LISTENer (a window watching).
                _c->exec("SELECT pg_notify('tw_events', $1)", {id});
            }
            _c->exec("COMMIT");
        } catch (...) {
            _c->rollbackQuietly();
            if (_id.empty()) _newId.clear();
            throw;
        }
        if (_id.empty()) _id = _newId;
        // Applied as read back, like a journal's appended lines.
        for (const std::string& l : lines) {
            ++_last;
            apply(parseJson(l, _shown, _last), _last);
        }
    }

private:
    Result fetchNew()
    {
        return _c->exec("SELECT seq, body FROM tw_events WHERE study_id = $1 AND seq > $2 ORDER BY seq",
                        {_id, std::to_string(_last)});
    }

    void applyRows(const Result& r, const ApplyFn& apply)
    {
        for (int i = 0; i < r.rows(); ++i) {
            const long long seq = r.integer(i, 0);
            if (seq != _last + 1)
                throw ParseError(_shown + ": event " + std::to_string(_last + 1) + " is missing (next is " +
                                 std::to_string(seq) + ")");
            const json ev = parseJson(r.text(i, 1), _shown, seq);
            _last = seq;
            apply(ev, long(seq));
        }
    }

    std::unique_ptr<Connection> _c;
    std::string _name, _url, _shown;
    std::string _id;     // tw_studies.study_id as text; "" until created
    std::string _newId;  // during the creating transaction
    long long _last = 0; // last event seq applied
};

class PgBackend : public StorageBackend {
public:
    explicit PgBackend(const std::string& url)
        : _url(url), _shown(study::redactUrl(url)), _c(std::make_unique<Connection>(url, _shown))
    {
        ensureSchema(*_c);
    }

    std::unique_ptr<Storage> study(const std::string& name, Mode mode) override
    {
        study::checkStudyName(name);
        // Each study its own connection: two Study objects may live on two threads.
        auto conn = std::make_unique<Connection>(_url, _shown + " study '" + printable(name) + "'");
        return std::make_unique<PgStorage>(std::move(conn), _shown, name, mode);
    }

    std::vector<StoredStudy> list() override
    {
        _c->ensureConnected();
        Result r = _c->exec("SELECT name, events, extract(epoch FROM created_at), extract(epoch FROM updated_at) "
                            "FROM tw_studies ORDER BY name");
        std::vector<StoredStudy> out;
        for (int i = 0; i < r.rows(); ++i)
            out.push_back({r.text(i, 0), r.integer(i, 1), r.number(i, 2), r.number(i, 3)});
        return out;
    }

    bool remove(const std::string& name) override
    {
        _c->ensureConnected();
        Result r = _c->exec("DELETE FROM tw_studies WHERE name = $1 RETURNING study_id", {name});
        return r.rows() > 0;
    }

    std::string describe() const override { return _shown; }

private:
    std::string _url, _shown;
    std::unique_ptr<Connection> _c;
};

} // namespace

void registerBackend()
{
    const auto factory = [](const std::string& url) -> std::unique_ptr<StorageBackend> {
        return std::make_unique<PgBackend>(url);
    };
    study::registerBackend("postgresql", factory);
    study::registerBackend("postgres", factory);
}

} // namespace tw::pg
