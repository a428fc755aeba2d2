#pragma once
// Study storages reached by URL (`--storage postgresql://USER@HOST:PORT/DB
// --study NAME`): a backend holds many studies by name. Backends register
// themselves by URL scheme (the PostgreSQL one lives in tw_pg, so that
// tw_core does not link libpq); a plain path is never a URL here: it keeps
// meaning a journal file (JournalStorage).
#include "study/storage.h"
#include "util/errors.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tw::study {

/// The storage could not be reached (server down, connection lost): the same
/// call may succeed later. Workers retry on it; everything else reports it.
class StorageUnavailableError : public IoError {
public:
    using IoError::IoError;
};

/// One study of a backend, as `tw studies` lists it.
struct StoredStudy {
    std::string name;
    long long events = 0;
    double createdAt = 0;   // seconds since the epoch
    double updatedAt = 0;   // the last event appended
};

class StorageBackend {
public:
    enum class Mode { Open, Create };
    virtual ~StorageBackend() = default;
    /// The study `name`. Open: IoError when there is none (naming the
    /// backend and `tw studies`). Create: IoError when it exists already.
    /// An invalid name is std::invalid_argument.
    virtual std::unique_ptr<Storage> study(const std::string& name, Mode mode) = 0;
    /// Every study, by name.
    virtual std::vector<StoredStudy> list() = 0;
    /// Deletes the study and all its events; false when there was none.
    virtual bool remove(const std::string& name) = 0;
    /// The URL without its password: safe to print.
    virtual std::string describe() const = 0;
};

using BackendFactory = std::function<std::unique_ptr<StorageBackend>(const std::string& url)>;

/// Makes `scheme://...` URLs reach `factory` (schemes are case-insensitive).
void registerBackend(const std::string& scheme, BackendFactory factory);
/// True when `text` starts with "SCHEME://" for some SCHEME of letters,
/// digits, '+', '-', '.'.
bool looksLikeUrl(const std::string& text);
/// Connects to the backend of `url`'s scheme. Throws std::invalid_argument
/// naming the known schemes for an unknown one, and for a URL that carries a
/// password (URLs end up in process lists and logs: the password belongs in
/// ~/.pgpass, PGPASSFILE or PGPASSWORD); what the backend throws otherwise.
std::unique_ptr<StorageBackend> connectBackend(const std::string& url);
/// `url` with any password removed ("postgresql://u:secret@h/db" ->
/// "postgresql://u@h/db", also a "password=" query parameter).
std::string redactUrl(const std::string& url);
/// Whether `url` holds a password (in its user info or as a query parameter).
bool urlHasPassword(const std::string& url);

/// Checks a study name for a backend: 1 to 200 bytes of printable UTF-8
/// without control characters. Throws std::invalid_argument naming the rule.
void checkStudyName(const std::string& name);

/// A study of a backend with what replaying it shows: `tw studies` and the
/// window's list of a database's studies.
struct StudySummary {
    StoredStudy stored;
    int trials = 0, complete = 0, running = 0;
    std::string direction;      // "minimize" / "maximize"
    std::optional<double> best; // the best complete trial's value
    std::string error;          // the study could not be replayed ("": it could)
};
/// Replays `s` from `backend` (the best-trial rule of bestTrialNumbers). A
/// study that does not replay gets `error`; StorageUnavailableError is thrown.
StudySummary summarize(StorageBackend& backend, const StoredStudy& s);

/// Copies every event of `from` into `to` (which must be empty; IoError
/// otherwise) in one exclusive transaction, as read: the copy replays to the
/// same study. Returns how many events were copied.
long long copyEvents(Storage& from, Storage& to);

} // namespace tw::study
