#pragma once
// Where a study's events live: in memory, or in a journal file (one JSON
// object per line, appended and flushed per event, guarded by an advisory
// lock so that several processes can share one file).
#include "util/errors.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace tw::study {

/// Creating a study that exists already (a non-empty file, a database study
/// of that name). Nothing was written.
class StudyExistsError : public IoError {
public:
    using IoError::IoError;
};

/// Wakes whoever watches a study (the window) when it may have changed, so
/// that it replays the new events at once instead of polling the storage.
class ChangeFeed {
public:
    virtual ~ChangeFeed() = default;
    /// Blocks until the study may have changed (anyone appended; a wake-up
    /// may be spurious) or `seconds` passed; true when woken by a change.
    /// Never throws: a feed that lost its source (a server restarting) waits
    /// out `seconds`, returns true (changes may have been missed) and tries
    /// to reconnect at the next call.
    virtual bool wait(double seconds) = 0;
};

class Storage {
public:
    /// Called for each event not yet seen, in file order; `line` is 1-based
    /// (0 for memory) so that errors can name it.
    using ApplyFn = std::function<void(const nlohmann::json& event, long line)>;
    /// Runs under the lock, after every pending event was applied; returns the
    /// events to append (possibly none). Appended events are then passed to
    /// ApplyFn as well (as read back), so state is built by one code path.
    using BodyFn = std::function<std::vector<nlohmann::json>()>;

    virtual ~Storage() = default;
    /// Takes the lock (exclusive when `exclusive`, else shared), applies new
    /// events, runs body, appends and flushes what it returned, unlocks.
    /// Appending requires `exclusive`.
    virtual void transact(bool exclusive, const ApplyFn& apply, const BodyFn& body) = 0;
    /// "memory" or the file path; prefixes error messages.
    virtual std::string describe() const = 0;
    /// True when nothing was ever written (a new study can be created here).
    virtual bool empty() = 0;
    /// Non-fatal problems met while reading (a torn last line, ...).
    const std::vector<std::string>& warnings() const { return _warnings; }
    /// A feed of changes by any process, for another thread to wait on; it
    /// has its own connection or file watch. nullptr when the storage has
    /// none (memory: only this process writes). Throws what connecting throws.
    virtual std::unique_ptr<ChangeFeed> changeFeed() const { return nullptr; }

protected:
    std::vector<std::string> _warnings;
};

class MemoryStorage : public Storage {
public:
    void transact(bool exclusive, const ApplyFn& apply, const BodyFn& body) override;
    std::string describe() const override { return "memory"; }
    bool empty() override { return _events.empty(); }
    const std::vector<nlohmann::json>& events() const { return _events; }

private:
    std::vector<nlohmann::json> _events;
    size_t _applied = 0;
};

/// A study file. Each transaction takes flock() on the file, reads the bytes
/// appended since the last one, parses them line by line, and appends with a
/// single write(). A last line without its '\n' that parses as an event is
/// that event, complete (a prefix of one JSON object is never a whole
/// object): it is applied, and under the exclusive lock its '\n' is added
/// before appending. A last line that does not parse is torn (a writer died
/// mid-line): it is skipped with a warning, and under the exclusive lock cut
/// off before appending so that the file stays one object per line. Before
/// every append the path must still name the open file: a study file deleted
/// or replaced meanwhile is an IoError, never writes into the void.
class JournalStorage : public Storage {
public:
    enum class Mode { Open, Create };
    /// Open: the file must exist (IoError otherwise). Create: the file is
    /// created; an existing non-empty file is an IoError (never overwritten).
    /// When the first write into a file this object created (O_EXCL) fails,
    /// the empty file is removed again; a file that existed is never removed.
    JournalStorage(std::string path, Mode mode);
    ~JournalStorage() override;
    JournalStorage(const JournalStorage&) = delete;
    JournalStorage& operator=(const JournalStorage&) = delete;

    void transact(bool exclusive, const ApplyFn& apply, const BodyFn& body) override;
    std::string describe() const override { return _path; }
    bool empty() override;
    const std::string& path() const { return _path; }
    /// inotify on the file, and its size checked at least every 0.5 s (a
    /// network file system may not deliver inotify events).
    std::unique_ptr<ChangeFeed> changeFeed() const override;

private:
    struct Line {
        std::string text;
        long number = 0;
        bool newline = true; // false: the last event, complete, without its '\n'
    };
    std::string _path;
    int _fd = -1;
    long long _offset = 0; // bytes consumed (complete lines)
    long _line = 0;        // lines consumed
    bool _readOnly = false;          // opened O_RDONLY (no write permission)
    bool _createdHere = false;       // this object created the file (O_EXCL)
    bool _lineOpen = false;          // the last line consumed had no '\n' (yet)
    long long _tornWarnedAt = -1;    // offset of the torn line already warned about
    void readNew(bool exclusive, std::vector<Line>& lines);
    void checkStillThere() const;
    void addNewline(long long at, long line);
    void removeCreated();
    void append(const std::vector<nlohmann::json>& events, const ApplyFn& apply);
};

/// True when `path` (followed if a symbolic link) is a regular file whose
/// first line is a study_created event: a study file, known by its content
/// whatever its name. A first line that no longer parses but still names the
/// event counts too (a damaged study is still a study). Missing or
/// unreadable: false.
bool isStudyFile(const std::string& path);
/// Throws IoError "PATH is a study file; refusing to overwrite it" when
/// isStudyFile(path): every writer of an output file calls it first.
void refuseToOverwriteStudy(const std::string& path);

} // namespace tw::study
