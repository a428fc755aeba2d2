#pragma once
// A private one-node Slurm cluster for one test program, in a temporary
// folder: munged with its own key and socket, slurmctld and slurmd in the
// foreground (children of the test) on two free loopback ports, a slurm.conf
// that points every daemon and client there (SLURM_CONF), no accounting, no
// cgroups (proctrack/linuxproc, task/none), and the node configured with at
// least 4 CPUs so that a few 1-CPU array tasks run at once on a small
// machine. The daemons run as root (SlurmUser=root), as slurmd must to run
// jobs. Jobs are cancelled and the daemons stopped when the object goes.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QThread>

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

class SlurmCluster {
public:
    SlurmCluster() : _dir(QDir::tempPath() + "/tw-slurm-XXXXXX")
    {
        if (::geteuid() != 0) {
            _error = "not root: slurmd runs jobs as root here (SlurmUser=root), so this cluster needs root";
            return;
        }
        for (const char* tool : {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol", "scancel"}) {
            const QString path = findTool(tool);
            if (path.isEmpty()) {
                _error = std::string(tool) + " not found: install Debian's slurm-wlm and munge";
                return;
            }
            _tools[tool] = path;
        }
        if (!_dir.isValid()) {
            _error = "cannot create a temporary folder";
            return;
        }
        // munged wants its socket's folder searchable by everyone (the
        // clients of other users), and the key readable by root alone.
        ::chmod(_dir.path().toLocal8Bit().constData(), 0755);
        for (const char* sub : {"munge", "state", "spool", "log"}) QDir(_dir.path()).mkdir(sub);
        if (!writeKey() || !startMunge() || !writeConfig() || !startSlurm()) return;
        _ok = true;
    }

    ~SlurmCluster() { stop(); }
    SlurmCluster(const SlurmCluster&) = delete;
    SlurmCluster& operator=(const SlurmCluster&) = delete;

    bool ok() const { return _ok; }
    /// Why the cluster is not up ("" when it is), with the daemons' log tails.
    const std::string& error() const { return _error; }
    QString path(const QString& name) const { return _dir.filePath(name); }
    /// The environment for Slurm's clients (sbatch, squeue...) and for the
    /// programs that call them: SLURM_CONF points at this cluster.
    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SLURM_CONF", path("slurm.conf"));
        return env;
    }

    struct Output {
        int code = -1;
        QByteArray out, err;
    };
    /// Runs one of Slurm's clients (by name) against this cluster.
    Output client(const QString& tool, const QStringList& args, int timeoutMs = 60000) const
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(_tools.value(tool, tool), args);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    /// Waits until no task of job `id` is pending or running (at most
    /// `seconds`: a bound against hangs, not a speed requirement); then
    /// returns each task's "TASK STATE EXITCODE" as scontrol shows it.
    QStringList waitForJob(const QString& id, int seconds) const
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
        while (std::chrono::steady_clock::now() < deadline) {
            const Output q = client("squeue", {"-h", "-j", id, "-o", "%i %T"});
            if (q.code == 0 && q.out.trimmed().isEmpty()) break;
            if (q.code != 0 && q.err.contains("Invalid job id")) break; // purged: long done
            QThread::msleep(500);
        }
        QStringList tasks;
        const Output s = client("scontrol", {"-o", "show", "job", id});
        for (const QByteArray& line : s.out.split('\n')) {
            if (line.trimmed().isEmpty()) continue;
            tasks << field(line, "ArrayTaskId") + " " + field(line, "JobState") + " " + field(line, "ExitCode");
        }
        std::sort(tasks.begin(), tasks.end());
        return tasks;
    }

    /// The last lines of the daemons' logs, for messages.
    std::string logTail() const
    {
        std::string out;
        for (const char* log : {"log/slurmctld.log", "log/slurmd.log", "log/slurmctld.out", "log/slurmd.out",
                                "munge/munged.log", "log/munged.out"}) {
            QFile f(path(log));
            if (!f.open(QIODevice::ReadOnly)) continue;
            QList<QByteArray> lines = f.readAll().trimmed().split('\n');
            if (lines.size() > 8) lines = lines.mid(lines.size() - 8);
            out += std::string("\n--- ") + log + ":\n" + lines.join('\n').toStdString();
        }
        return out;
    }

    /// Cancels every job and stops the daemons (also done by the destructor).
    void stop()
    {
        if (_slurmctld.state() != QProcess::NotRunning) {
            const Output jobs = client("squeue", {"-h", "-o", "%A"});
            QStringList ids;
            for (const QByteArray& id : jobs.out.split('\n'))
                if (!id.trimmed().isEmpty()) ids << QString::fromUtf8(id.trimmed());
            ids.removeDuplicates();
            if (!ids.isEmpty()) {
                client("scancel", ids);
                for (const QString& id : ids) waitForJob(id, 60);
            }
        }
        for (QProcess* p : {&_slurmd, &_slurmctld, &_munged}) {
            if (p->state() == QProcess::NotRunning) continue;
            p->terminate();
            if (!p->waitForFinished(30000)) {
                p->kill();
                p->waitForFinished();
            }
        }
    }

private:
    static QString findTool(const char* name)
    {
        const QString onPath = QStandardPaths::findExecutable(name);
        if (!onPath.isEmpty()) return onPath;
        // The daemons live in sbin, which a test's PATH may lack.
        return QStandardPaths::findExecutable(name, {"/usr/sbin", "/sbin", "/usr/local/sbin"});
    }

    static QString field(const QByteArray& line, const char* name)
    {
        const QByteArray key = QByteArray(name) + "=";
        for (const QByteArray& word : line.split(' '))
            if (word.startsWith(key)) return QString::fromUtf8(word.mid(key.size()));
        return "?";
    }

    /// A loopback port nobody listens on now.
    static int freePort()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a {};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t size = sizeof a;
        int port = 0;
        if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &size) == 0)
            port = ntohs(a.sin_port);
        if (fd >= 0) ::close(fd);
        return port;
    }

    /// A daemon gets SIGTERM when the test process dies, however it dies
    /// (a crash, a timeout's SIGKILL): none outlives it.
    static void endWithTheTest(QProcess& p)
    {
        p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
    }

    /// Whether `p` has ended, waiting up to `ms` for it (without an event
    /// loop only the waitFor calls see a child exit).
    static bool exited(QProcess& p, int ms)
    {
        return p.state() == QProcess::NotRunning || p.waitForFinished(ms);
    }

    bool fail(const std::string& why)
    {
        _error = why + logTail();
        return false;
    }

    bool writeKey()
    {
        std::random_device random;
        QByteArray key;
        for (int i = 0; i < 128; ++i) key.append(char(random() & 0xff));
        QFile f(path("munge/munge.key"));
        if (!f.open(QIODevice::WriteOnly) || f.write(key) != key.size()) return fail("cannot write the munge key");
        f.close();
        ::chmod(path("munge/munge.key").toLocal8Bit().constData(), 0600);
        return true;
    }

    bool startMunge()
    {
        endWithTheTest(_munged);
        _munged.setStandardOutputFile(path("log/munged.out"));
        _munged.setStandardErrorFile(path("log/munged.out"));
        _munged.start(_tools["munged"], {"--foreground", "--socket=" + path("munge/munge.socket"),
                                         "--key-file=" + path("munge/munge.key"),
                                         "--pid-file=" + path("munge/munged.pid"),
                                         "--log-file=" + path("munge/munged.log"),
                                         "--seed-file=" + path("munge/munged.seed")});
        for (int i = 0; i < 300 && !QFileInfo::exists(path("munge/munge.socket")); ++i)
            if (exited(_munged, 100)) return fail("munged exited");
        if (!QFileInfo::exists(path("munge/munge.socket"))) return fail("munged made no socket within 30 s");
        return true;
    }

    bool writeConfig()
    {
        const int ctld = freePort(), slurmd = freePort();
        if (!ctld || !slurmd || ctld == slurmd) return fail("no free loopback ports");
        const long cpus = std::max(4L, ::sysconf(_SC_NPROCESSORS_ONLN));
        const QString conf = QString(R"(ClusterName=twtest
SlurmctldHost=localhost
SlurmctldPort=%1
SlurmdPort=%2
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=%3/munge/munge.socket
StateSaveLocation=%3/state
SlurmdSpoolDir=%3/spool
SlurmctldPidFile=%3/slurmctld.pid
SlurmdPidFile=%3/slurmd.pid
SlurmctldLogFile=%3/log/slurmctld.log
SlurmdLogFile=%3/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
MpiDefault=none
ReturnToService=2
MinJobAge=600
KillWait=10
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=%4 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
)")
                                 .arg(ctld)
                                 .arg(slurmd)
                                 .arg(_dir.path())
                                 .arg(cpus);
        QFile f(path("slurm.conf"));
        if (!f.open(QIODevice::WriteOnly) || f.write(conf.toUtf8()) < 0) return fail("cannot write slurm.conf");
        return true;
    }

    bool startSlurm()
    {
        for (auto [p, name] : {std::pair{&_slurmctld, "slurmctld"}, std::pair{&_slurmd, "slurmd"}}) {
            p->setProcessEnvironment(environment());
            p->setWorkingDirectory(_dir.path());
            endWithTheTest(*p);
            p->setStandardOutputFile(path(QString("log/") + name + ".out"));
            p->setStandardErrorFile(path(QString("log/") + name + ".out"));
            QStringList args{"-D", "-f", path("slurm.conf")};
            if (p == &_slurmd) args << "-N" << "localhost";
            p->start(_tools[name], args);
            if (!p->waitForStarted(30000)) return fail(std::string("cannot start ") + name);
        }
        // Up when the node is idle: both daemons run and talk (a bound, not a speed test).
        QByteArray state;
        for (int i = 0; i < 180; ++i) {
            if (exited(_slurmctld, 250)) return fail("slurmctld exited");
            if (exited(_slurmd, 250)) return fail("slurmd exited");
            state = client("sinfo", {"-h", "-n", "localhost", "-o", "%t"}, 20000).out.trimmed();
            if (state == "idle") return true;
        }
        return fail("the node did not become idle within 90 s (sinfo: '" + state.toStdString() + "')");
    }

    QTemporaryDir _dir;
    QMap<QString, QString> _tools;
    QProcess _munged, _slurmctld, _slurmd;
    std::string _error;
    bool _ok = false;
};
