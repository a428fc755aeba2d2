// Storages of study events: in memory, or a journal file shared by processes.
//
// Durability: an append is a single write() of whole lines under the
// exclusive flock(). Once write() returns, the bytes are in the kernel's page
// cache and survive the writing process crashing or being killed; only a
// power loss or kernel crash before writeback could lose them, which is the
// same guarantee a process crash would give anyway for the trial that was
// running. We deliberately do not fsync() after each event: it would cost
// milliseconds per trial on network and spinning disks for no gain against
// the failures this journal is built for. A process killed in the middle of
// write() leaves a torn last line, which readers skip and the next writer cuts;
// a last line that parses as an event lost only its '\n', which the next
// writer adds.
#include "study/storage.h"

#include "util/errors.h"
#include "util/json_read.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>
#include <stdexcept>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tw::study {

using nlohmann::json;

namespace {

std::string dumpLine(const json& e)
{
    // Replace invalid UTF-8 instead of throwing: a reason string may come
    // from a program's output.
    return e.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string errnoText(int err)
{
    return std::strerror(err);
}

bool blank(const std::string& s)
{
    return s.find_first_not_of(" \t\r") == std::string::npos;
}

/// flock() held for the lifetime of the object.
class FileLock {
public:
    FileLock(int fd, bool exclusive, const std::string& path) : _fd(fd)
    {
        while (::flock(fd, exclusive ? LOCK_EX : LOCK_SH) == -1) {
            if (errno == EINTR) continue;
            throw IoError(path + ": cannot lock: " + errnoText(errno));
        }
    }
    ~FileLock() { ::flock(_fd, LOCK_UN); }
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int _fd;
};

} // namespace

// ---- memory -------------------------------------------------------------------

void MemoryStorage::transact(bool exclusive, const ApplyFn& apply, const BodyFn& body)
{
    for (; _applied < _events.size(); ++_applied) apply(_events[_applied], 0);
    if (!body) return;
    const std::vector<json> out = body();
    if (out.empty()) return;
    if (!exclusive) throw std::logic_error("Storage::transact: appending needs the exclusive lock");
    // Store each event as a journal would read it back (same numbers, NaN ->
    // null, ...), so that memory and file studies hold the same state.
    for (const json& e : out) _events.push_back(json::parse(dumpLine(e)));
    for (; _applied < _events.size(); ++_applied) apply(_events[_applied], 0);
}

// ---- journal file ---------------------------------------------------------------

JournalStorage::JournalStorage(std::string path, Mode mode) : _path(std::move(path))
{
    if (mode == Mode::Create) {
        // O_EXCL tells whether this process made the file: only such a file is
        // removed again when the first write fails (a full disk, ...).
        _fd = ::open(_path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        _createdHere = _fd >= 0;
        if (_fd < 0 && errno == EEXIST) _fd = ::open(_path.c_str(), O_RDWR | O_CLOEXEC);
        if (_fd < 0) throw IoError("cannot create " + _path + ": " + errnoText(errno));
    } else {
        _fd = ::open(_path.c_str(), O_RDWR | O_CLOEXEC);
        if (_fd < 0 && (errno == EACCES || errno == EROFS)) {
            // Still readable (show, export); appending will fail with a clear message.
            _fd = ::open(_path.c_str(), O_RDONLY | O_CLOEXEC);
            _readOnly = _fd >= 0;
        }
        if (_fd < 0) throw IoError("cannot open " + _path + ": " + errnoText(errno));
    }
    struct stat st {};
    std::string problem;
    if (::fstat(_fd, &st) != 0)
        problem = "cannot open " + _path + ": " + errnoText(errno);
    else if (!S_ISREG(st.st_mode))
        problem = _path + ": not a regular file";
    else if (mode == Mode::Create && st.st_size > 0)
        problem = _path + ": study file already exists";
    if (!problem.empty()) {
        if (_createdHere) removeCreated();
        ::close(_fd);
        _fd = -1;
        if (mode == Mode::Create && st.st_size > 0 && S_ISREG(st.st_mode)) throw StudyExistsError(problem);
        throw IoError(problem);
    }
}

JournalStorage::~JournalStorage()
{
    if (_fd >= 0) ::close(_fd);
}

bool JournalStorage::empty()
{
    struct stat st {};
    if (::fstat(_fd, &st) != 0) throw IoError(_path + ": cannot stat: " + errnoText(errno));
    return st.st_size == 0;
}

void JournalStorage::checkStillThere() const
{
    // Appending to a file whose name was deleted (or now names another file)
    // would report success and leave nothing anyone can open.
    struct stat open {}, named {};
    if (::fstat(_fd, &open) != 0) throw IoError(_path + ": cannot stat: " + errnoText(errno));
    bool gone = open.st_nlink == 0;
    if (!gone && ::stat(_path.c_str(), &named) != 0) {
        if (errno != ENOENT && errno != ENOTDIR) throw IoError(_path + ": cannot stat: " + errnoText(errno));
        gone = true;
    }
    gone = gone || named.st_dev != open.st_dev || named.st_ino != open.st_ino;
    if (gone)
        throw IoError(_path + ": the study file was deleted (or replaced) while this process had it open; "
                              "nothing more is written");
}

void JournalStorage::removeCreated()
{
    // Only the file this object created, only while the name still refers to
    // it, and only while it is empty (nothing of anyone else's is lost).
    struct stat open {}, named {};
    if (!_createdHere || ::fstat(_fd, &open) != 0 || open.st_size != 0) return;
    if (::stat(_path.c_str(), &named) != 0 || named.st_dev != open.st_dev || named.st_ino != open.st_ino) return;
    if (::unlink(_path.c_str()) == 0) _createdHere = false;
}

void JournalStorage::addNewline(long long at, long line)
{
    checkStillThere();
    ssize_t n;
    while ((n = ::pwrite(_fd, "\n", 1, off_t(at))) < 0 && errno == EINTR) {}
    if (n != 1)
        throw IoError(_path + ":" + std::to_string(line) +
                      ": cannot add the missing newline after the last event: " + errnoText(n < 0 ? errno : EIO));
    _warnings.push_back(_path + ":" + std::to_string(line) + ": the last event had no trailing newline; added it");
}

void JournalStorage::readNew(bool exclusive, std::vector<Line>& lines)
{
    struct stat st {};
    if (::fstat(_fd, &st) != 0) throw IoError(_path + ": cannot stat: " + errnoText(errno));
    const long long size = st.st_size;
    if (size < _offset)
        throw IoError(_path + ": the file shrank from " + std::to_string(_offset) + " to " + std::to_string(size) +
                      " bytes while open (was it edited by hand?)");
    std::string buf(size_t(size - _offset), '\0');
    size_t got = 0;
    while (got < buf.size()) {
        const ssize_t n = ::pread(_fd, buf.data() + got, buf.size() - got, off_t(_offset + (long long)got));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw IoError(_path + ": cannot read: " + errnoText(errno));
        if (n == 0) break; // shrank meanwhile (cannot happen under the lock)
        got += size_t(n);
    }
    buf.resize(got);

    size_t start = 0;
    if (_lineOpen && !buf.empty()) {
        // The last event read before had no '\n'; a writer has added it since.
        _lineOpen = false;
        if (buf[0] == '\n') {
            start = 1;
            ++_offset;
        }
    } else if (_lineOpen && exclusive && !_readOnly) {
        // Read before under the shared lock; add its '\n' before appending.
        addNewline(_offset, _line);
        ++_offset;
        _lineOpen = false;
    }
    const long long base = _offset - (long long)start; // file offset of buf[0]
    long line = _line;
    for (size_t nl; (nl = buf.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back({buf.substr(start, nl - start), ++line, true});
    std::string last = buf.substr(start);
    if (last.empty()) return;

    // The last line has no '\n'. If it parses as an event, it is the whole
    // event (a prefix of one JSON object is never a whole object): kept.
    bool complete = false;
    try {
        const json e = parseJson(last, _path, line + 1);
        complete = e.is_object() && e.contains("event") && e["event"].is_string();
    } catch (const ParseError&) {
    }
    const long long lastAt = base + (long long)start;
    if (complete) {
        if (exclusive && !_readOnly) {
            addNewline(lastAt + (long long)last.size(), line + 1);
            lines.push_back({last, line + 1, true});
        } else {
            lines.push_back({last, line + 1, false});
        }
        return;
    }

    // A writer died mid-write(): the last line is not a whole event.
    const std::string where = _path + ":" + std::to_string(line + 1) + ": torn last line (" +
                              std::to_string(last.size()) + " bytes) ";
    if (exclusive && !_readOnly) {
        if (::ftruncate(_fd, off_t(lastAt)) != 0)
            throw IoError(_path + ": cannot cut the torn last line: " + errnoText(errno));
        _warnings.push_back(where + "removed");
        _tornWarnedAt = -1;
    } else if (_tornWarnedAt != lastAt) {
        _warnings.push_back(where + "skipped");
        _tornWarnedAt = lastAt;
    }
}

void JournalStorage::append(const std::vector<json>& events, const ApplyFn& apply)
{
    if (_readOnly) throw IoError(_path + ": cannot write: the file is read-only");
    checkStillThere();
    std::string buf;
    std::vector<size_t> ends;
    for (const json& e : events) {
        buf += dumpLine(e);
        buf += '\n';
        ends.push_back(buf.size());
    }
    // One write() of whole lines (looping only on a partial write).
    size_t done = 0;
    while (done < buf.size()) {
        const ssize_t n = ::pwrite(_fd, buf.data() + done, buf.size() - done, off_t(_offset + (long long)done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int err = n < 0 ? errno : EIO;
            // Best effort: do not leave a partial line behind.
            [[maybe_unused]] const int rc = ::ftruncate(_fd, off_t(_offset));
            std::string message = _path + ": cannot write: " + errnoText(err);
            if (_createdHere && _offset == 0) {
                removeCreated();
                if (!_createdHere) message += " (the empty file this process had just created was removed)";
            }
            throw IoError(message);
        }
        done += size_t(n);
    }
    _createdHere = false; // it holds events now: never removed
    size_t start = 0;
    for (size_t end : ends) {
        const json e = json::parse(buf.begin() + long(start), buf.begin() + long(end) - 1);
        _offset += (long long)(end - start);
        ++_line;
        start = end;
        apply(e, _line);
    }
}

void JournalStorage::transact(bool exclusive, const ApplyFn& apply, const BodyFn& body)
{
    FileLock lock(_fd, exclusive, _path);
    std::vector<Line> lines;
    readNew(exclusive, lines);

    // Parse and apply line by line: a malformed line stops the replay there,
    // and _offset stays before it (every later transaction reports it again).
    for (const Line& l : lines) {
        if (!blank(l.text)) {
            apply(parseJson(l.text, _path, l.number), l.number);
        }
        _offset += (long long)l.text.size() + (l.newline ? 1 : 0);
        _line = l.number;
        _lineOpen = !l.newline;
    }

    if (!body) return;
    const std::vector<json> out = body();
    if (out.empty()) return;
    if (!exclusive) throw std::logic_error("Storage::transact: appending needs the exclusive lock");
    append(out, apply);
}

// ---- recognising a study file ----------------------------------------------------

bool isStudyFile(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return false;
    struct stat st {};
    std::string first;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
        // The first line only (a study_created event holds the configuration:
        // kilobytes, rarely more; a line past 64 MiB is not one).
        constexpr size_t kMax = size_t(64) << 20;
        char buf[65536];
        for (ssize_t n; first.size() < kMax && (n = ::read(fd, buf, sizeof buf)) != 0;) {
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) break;
            const char* nl = static_cast<const char*>(std::memchr(buf, '\n', size_t(n)));
            first.append(buf, nl ? size_t(nl - buf) : size_t(n));
            if (nl) break;
        }
    }
    ::close(fd);
    if (first.empty()) return false;
    try {
        const json e = parseJson(first, path, 1);
        return e.is_object() && e.contains("event") && e["event"] == "study_created";
    } catch (const ParseError&) {
        return first.find("\"event\":\"study_created\"") != std::string::npos;
    }
}

void refuseToOverwriteStudy(const std::string& path)
{
    if (isStudyFile(path)) throw IoError(path + " is a study file; refusing to overwrite it");
}

namespace {

/// A study file's changes: inotify (modified, replaced, removed), and its
/// size and modification time compared at least every 0.5 s.
class FileChangeFeed : public ChangeFeed {
public:
    explicit FileChangeFeed(std::string path) : _path(std::move(path))
    {
        _fd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (_fd >= 0) watch();
        _seen = stamp();
    }
    ~FileChangeFeed() override
    {
        if (_fd >= 0) ::close(_fd);
    }

    bool wait(double seconds) override
    {
        using Clock = std::chrono::steady_clock;
        const auto end = Clock::now() + std::chrono::duration<double>(std::max(0.0, seconds));
        for (;;) {
            const double left = std::chrono::duration<double>(end - Clock::now()).count();
            const int ms = int(std::clamp(left, 0.0, 0.5) * 1000);
            bool event = false;
            if (_fd >= 0) {
                pollfd p{_fd, POLLIN, 0};
                if (::poll(&p, 1, ms) > 0) event = drain();
            } else if (ms > 0) {
                std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            }
            const Stamp now = stamp();
            if (event || !(now == _seen)) {
                _seen = now;
                return true;
            }
            if (left <= 0.5) return false;
        }
    }

private:
    struct Stamp {
        long long size = -1, mtimeNs = 0, inode = 0;
        bool operator==(const Stamp& o) const { return size == o.size && mtimeNs == o.mtimeNs && inode == o.inode; }
    };
    Stamp stamp() const
    {
        struct stat st {};
        if (::stat(_path.c_str(), &st) != 0) return {};
        return {static_cast<long long>(st.st_size), static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
                static_cast<long long>(st.st_ino)};
    }
    void watch()
    {
        _wd = ::inotify_add_watch(_fd, _path.c_str(), IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF);
    }
    /// Reads the queued events; re-watches a file that was replaced.
    bool drain()
    {
        alignas(inotify_event) char buf[4096];
        bool any = false, gone = false;
        for (ssize_t n; (n = ::read(_fd, buf, sizeof buf)) > 0;) {
            for (char* p = buf; p < buf + n;) {
                const auto* e = reinterpret_cast<const inotify_event*>(p);
                any = true;
                gone = gone || (e->mask & (IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED)) != 0;
                p += sizeof(inotify_event) + e->len;
            }
        }
        if (gone) {
            if (_wd >= 0) ::inotify_rm_watch(_fd, _wd);
            watch();
        }
        return any;
    }

    std::string _path;
    int _fd = -1, _wd = -1;
    Stamp _seen;
};

} // namespace

std::unique_ptr<ChangeFeed> JournalStorage::changeFeed() const
{
    return std::make_unique<FileChangeFeed>(_path);
}

} // namespace tw::study
