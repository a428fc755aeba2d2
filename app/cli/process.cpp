#include "cli/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace tw::cli {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

void closeFd(int& fd)
{
    if (fd >= 0) {
        ::close(fd);
        fd = -1;
    }
}

void setNonBlocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/// Reads what is available; closes fd at end of file or on error.
void drain(int& fd, std::string& buffer, size_t keep)
{
    char chunk[16384];
    while (fd >= 0) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n > 0) {
            buffer.append(chunk, size_t(n));
            if (buffer.size() > 2 * keep)
                buffer.erase(0, buffer.size() - keep);
        } else if (n == 0) {
            closeFd(fd);
        } else if (errno == EINTR) {
            continue;
        } else {
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                closeFd(fd);
            return;
        }
    }
}

struct Pipe {
    int fd[2] = {-1, -1};
    ~Pipe() { closeFd(fd[0]); closeFd(fd[1]); }
    bool open() { return ::pipe2(fd, O_CLOEXEC) == 0; }
};

std::vector<std::string> childEnvironment(const CommandSpec& spec)
{
    std::vector<std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const auto& [k, v] : spec.env)
            replaced = replaced || k == name;
        if (!replaced)
            env.push_back(std::move(entry));
    }
    for (const auto& [k, v] : spec.env)
        env.push_back(k + "=" + v);
    return env;
}

/// A value no other command run has: this process's id, a counter and the
/// start time, for TW_RUN.
std::string runTag()
{
    static std::atomic<unsigned long> counter{0};
    return std::to_string(::getpid()) + "-" + std::to_string(++counter) + "-" +
           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

/// The processes (other than this one) whose environment holds `entry`
/// ("TW_RUN=..."), read from /proc: whatever a command started, including
/// what left its process group (setsid) or was handed to init, carries the
/// environment it was given unless it cleared it.
std::vector<pid_t> processesWith(const std::string& entry)
{
    std::vector<pid_t> out;
    DIR* d = ::opendir("/proc");
    if (!d)
        return out;
    const pid_t self = ::getpid();
    while (const dirent* e = ::readdir(d)) {
        char* end = nullptr;
        const long pid = std::strtol(e->d_name, &end, 10);
        if (!end || *end != '\0' || pid <= 0 || pid == self)
            continue;
        std::ifstream f(std::string("/proc/") + e->d_name + "/environ", std::ios::binary);
        if (!f)
            continue; // another user's, or gone
        const std::string env((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        for (size_t start = 0; start < env.size();) {
            size_t stop = env.find('\0', start);
            if (stop == std::string::npos)
                stop = env.size();
            if (env.compare(start, stop - start, entry) == 0) {
                out.push_back(pid_t(pid));
                break;
            }
            start = stop + 1;
        }
    }
    ::closedir(d);
    return out;
}

/// Ends every process still carrying `entry`: SIGTERM, then SIGKILL to
/// those left after half a second.
void killTagged(const std::string& entry)
{
    std::vector<pid_t> left = processesWith(entry);
    if (left.empty())
        return;
    for (pid_t p : left)
        ::kill(p, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::milliseconds(500);
    while (!(left = processesWith(entry)).empty() && Clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    for (pid_t p : left)
        ::kill(p, SIGKILL);
}

} // namespace

std::string lastNonEmptyLine(const std::string& text)
{
    const char* ws = " \t\r\n\f\v";
    size_t end = text.find_last_not_of(ws);
    if (end == std::string::npos)
        return {};
    size_t start = text.find_last_of('\n', end);
    start = start == std::string::npos ? 0 : start + 1;
    std::string line = text.substr(start, end + 1 - start);
    line.erase(0, line.find_first_not_of(ws));
    return line;
}

CommandResult runCommand(const CommandSpec& spec)
{
    CommandResult r;
    const auto t0 = Clock::now();
    Pipe in, out, err;
    if (!in.open() || !out.open() || !err.open()) {
        r.startError = std::string("cannot create pipes: ") + std::strerror(errno);
        return r;
    }

    // Everything the child needs is built before spawning.
    // Every process the command starts inherits TW_RUN, so that what it
    // leaves behind can be found and ended with the trial, even outside its
    // process group.
    const std::string tag = spec.endLeftovers ? "TW_RUN=" + runTag() : std::string();
    std::vector<std::string> envStrings = childEnvironment(spec);
    if (!tag.empty())
        envStrings.push_back(tag);
    std::vector<char*> envp;
    for (std::string& s : envStrings)
        envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string sh = "/bin/sh", dashC = "-c", command = spec.command;
    char* argv[] = {sh.data(), dashC.data(), command.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    sigset_t defaults, mask;
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP})
        sigaddset(&defaults, s);
    sigemptyset(&mask);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &mask);
    posix_spawnattr_setpgroup(&attr, 0); // its own process group, led by the child
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        r.startError = std::string("cannot start /bin/sh: ") + std::strerror(rc);
        return r;
    }
    r.started = true;
    closeFd(in.fd[0]);
    closeFd(out.fd[1]);
    closeFd(err.fd[1]);
    int& inFd = in.fd[1];
    int& outFd = out.fd[0];
    int& errFd = err.fd[0];
    setNonBlocking(inFd);
    setNonBlocking(outFd);
    setNonBlocking(errFd);

    size_t written = 0;
    if (spec.input.empty())
        closeFd(inFd);
    bool reaped = false;
    int status = 0;
    Clock::time_point reapedAt, killAt;
    bool terminating = false, killed = false;

    while (true) {
        pollfd fds[3];
        int n = 0;
        if (inFd >= 0)
            fds[n++] = {inFd, POLLOUT, 0};
        if (outFd >= 0)
            fds[n++] = {outFd, POLLIN, 0};
        if (errFd >= 0)
            fds[n++] = {errFd, POLLIN, 0};
        int waitMs = reaped ? 10 : 50;
        if (n > 0)
            ::poll(fds, nfds_t(n), waitMs);
        else
            ::usleep(useconds_t(waitMs) * 1000);

        if (inFd >= 0) {
            ssize_t w = ::write(inFd, spec.input.data() + written, spec.input.size() - written);
            if (w > 0)
                written += size_t(w);
            else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                closeFd(inFd); // EPIPE: the command does not read its input
            if (written >= spec.input.size())
                closeFd(inFd);
        }
        drain(outFd, r.out, spec.keepStdout);
        drain(errFd, r.err, spec.keepStderr);

        if (!reaped) {
            pid_t w = ::waitpid(pid, &status, WNOHANG);
            if (w == pid || (w < 0 && errno == ECHILD)) {
                reaped = true;
                reapedAt = Clock::now();
                closeFd(inFd);
            }
        }
        if (reaped) {
            if (outFd < 0 && errFd < 0)
                break;
            // Something the command left behind still holds the pipes.
            if (since(reapedAt) > 0.5) {
                ::killpg(pid, SIGKILL);
                drain(outFd, r.out, spec.keepStdout);
                drain(errFd, r.err, spec.keepStderr);
                break;
            }
            continue;
        }
        if (!terminating) {
            if (spec.stopRequested && spec.stopRequested())
                r.interrupted = true;
            else if (spec.timeoutSeconds > 0.0 && since(t0) >= spec.timeoutSeconds)
                r.timedOut = true;
            if (r.interrupted || r.timedOut) {
                terminating = true;
                ::killpg(pid, SIGTERM);
                killAt = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(spec.graceSeconds));
            }
        } else if (!killed && Clock::now() >= killAt) {
            killed = true;
            ::killpg(pid, SIGKILL);
        }
    }
    if (terminating)
        ::killpg(pid, SIGKILL); // whatever of the group survived SIGTERM
    if (!tag.empty())
        killTagged(tag);       // and whatever escaped the group (setsid, double fork)
    drain(outFd, r.out, spec.keepStdout);
    drain(errFd, r.err, spec.keepStderr);
    if (WIFEXITED(status)) {
        r.exited = true;
        r.exitStatus = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        r.signal = WTERMSIG(status);
    }
    r.seconds = since(t0);
    if (r.out.size() > spec.keepStdout)
        r.out.erase(0, r.out.size() - spec.keepStdout);
    if (r.err.size() > spec.keepStderr)
        r.err.erase(0, r.err.size() - spec.keepStderr);
    return r;
}

} // namespace tw::cli
