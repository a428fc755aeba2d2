// tw repair: a copy of a damaged study file with every intact event.
#include "study/repair.h"

#include "util/errors.h"
#include "util/json_read.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tw::study {

namespace {

using nlohmann::json;

/// A storage that is never read or written: a Study replaying lines by hand,
/// named like the damaged file in its messages.
class ReplayOnly : public Storage {
public:
    explicit ReplayOnly(std::string path) : _path(std::move(path)) {}
    void transact(bool, const ApplyFn&, const BodyFn&) override {}
    std::string describe() const override { return _path; }
    bool empty() override { return false; }

private:
    std::string _path;
};

std::string readLocked(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw IoError(path + ": not a regular file");
    }
    // A shared lock: no writer is halfway through an append while we read.
    while (::flock(fd, LOCK_SH) == -1 && errno == EINTR) {}
    std::string text;
    char buf[1 << 16];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            throw IoError(path + ": cannot read: " + std::strerror(err));
        }
        text.append(buf, size_t(n));
    }
    ::close(fd);
    return text;
}

void writeNew(const std::string& out, const std::string& text)
{
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST)
        throw IoError(out + ": file exists; repair writes a new file and never overwrites one (choose another --out)");
    if (fd < 0) throw IoError("cannot create " + out + ": " + std::strerror(errno));
    size_t done = 0;
    int err = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            err = n < 0 ? errno : EIO;
            break;
        }
        done += size_t(n);
    }
    if (!err && ::fsync(fd) != 0) err = errno;
    ::close(fd);
    if (err) {
        ::unlink(out.c_str()); // ours (O_EXCL), and incomplete
        throw IoError(out + ": cannot write: " + std::strerror(err) + " (the incomplete file was removed)");
    }
}

} // namespace

std::string repairedPath(const std::string& path)
{
    const std::filesystem::path p(path);
    return (p.parent_path() / (p.stem().string() + ".repaired" + p.extension().string())).string();
}

RepairReport repairJournal(const std::string& path, const std::string& out)
{
    RepairReport r;
    r.study = path;
    r.out = out;
    const std::string text = readLocked(path);

    Study s(std::make_unique<ReplayOnly>(path));
    std::string kept;
    long number = 0;
    for (size_t start = 0; start < text.size();) {
        size_t nl = text.find('\n', start);
        const bool last = nl == std::string::npos;
        if (last) nl = text.size();
        const std::string line = text.substr(start, nl - start);
        start = nl + 1;
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        ++r.events;
        try {
            // The replay of opening, one line at a time; Study::apply changes
            // nothing when it rejects an event.
            s.apply(parseJson(line, path, number), number);
        } catch (const std::exception& e) {
            std::string reason = e.what();
            if (last) reason = path + ":" + std::to_string(number) + ": torn last line (" +
                               std::to_string(line.size()) + " bytes): " + reason;
            r.dropped.push_back({number, reason});
            continue;
        }
        kept += line;
        kept += '\n';
        ++r.kept;
    }
    if (!s._created)
        throw ParseError(path + ": no intact 'study_created' event (not a study file); nothing to repair");
    r.warnings = s._warnings;
    writeNew(out, kept);
    return r;
}

} // namespace tw::study
