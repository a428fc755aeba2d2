#pragma once
// A private PostgreSQL server for one test program: initdb in a temporary
// folder, listening only on a Unix socket there (no TCP), trust auth for the
// user "tw", stopped and removed when the object goes. Run as root, the
// server runs as the unprivileged user "nobody" (PostgreSQL refuses root).
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <pwd.h>
#include <unistd.h>

#include <string>

class PgServer {
public:
    PgServer() : _dir(QDir::tempPath() + "/tw-pg-XXXXXX")
    {
        _bin = findBinaries();
        if (_bin.isEmpty()) {
            _error = "PostgreSQL server programs (initdb, pg_ctl) not found: install Debian's postgresql";
            return;
        }
        if (!_dir.isValid()) {
            _error = "cannot create a temporary folder";
            return;
        }
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("nobody");
            if (!pw) {
                _error = "running as root and there is no user 'nobody' to run PostgreSQL as";
                return;
            }
            if (::chown(_dir.path().toLocal8Bit().constData(), pw->pw_uid, pw->pw_gid) != 0) {
                _error = "cannot hand the temporary folder to 'nobody'";
                return;
            }
            _asUser = "nobody";
        }
        QString out;
        if (!runTool("initdb", {"-D", dataDir(), "-U", "tw", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"},
                     &out)) {
            _error = "initdb failed: " + out.toStdString();
            return;
        }
        if (!start()) return;
        _ok = true;
    }

    ~PgServer() { stop(); }
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    bool ok() const { return _ok; }
    /// Why the server is not running ("" when it is).
    const std::string& error() const { return _error; }
    /// A libpq URL of the server's "postgres" database over the private socket.
    std::string url(const std::string& database = "postgres") const
    {
        return "postgresql://tw@/" + database + "?host=" + _dir.path().toStdString();
    }
    std::string socketDir() const { return _dir.path().toStdString(); }

    /// Starts the server (again). False with error() set when it does not come up.
    bool start()
    {
        QString out;
        const QString options = "-c listen_addresses='' -k " + _dir.path() + " -c fsync=off -c full_page_writes=off";
        if (!runTool("pg_ctl", {"-D", dataDir(), "-o", options, "-l", _dir.path() + "/server.log", "-w", "-t", "60",
                                "start"},
                     &out)) {
            QFile log(_dir.path() + "/server.log");
            log.open(QIODevice::ReadOnly);
            _error = "pg_ctl start failed: " + out.toStdString() + " " + log.readAll().toStdString();
            return false;
        }
        _running = true;
        return true;
    }

    /// Stops the server at once (connections are cut), as a crash or a
    /// restart would.
    void stop()
    {
        if (!_running) return;
        runTool("pg_ctl", {"-D", dataDir(), "-m", "immediate", "-w", "stop"}, nullptr);
        _running = false;
    }

private:
    QString dataDir() const { return _dir.path() + "/data"; }

    static QString findBinaries()
    {
        const QString onPath = QStandardPaths::findExecutable("initdb");
        if (!onPath.isEmpty() && !QStandardPaths::findExecutable("pg_ctl").isEmpty())
            return QFileInfo(QFileInfo(onPath).canonicalFilePath()).absolutePath();
        // Debian keeps them out of PATH: /usr/lib/postgresql/VERSION/bin.
        QDir versions("/usr/lib/postgresql");
        const QStringList found = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name | QDir::Reversed);
        for (const QString& v : found) {
            const QString bin = versions.filePath(v + "/bin");
            if (QFile::exists(bin + "/initdb") && QFile::exists(bin + "/pg_ctl")) return bin;
        }
        return {};
    }

    bool runTool(const QString& tool, const QStringList& args, QString* output) const
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.setWorkingDirectory(_dir.path());
        const QString program = _bin + "/" + tool;
        if (_asUser.isEmpty()) {
            p.start(program, args);
        } else {
            p.start("runuser", QStringList{"-u", _asUser, "--", program} + args);
        }
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
        }
        if (output) *output = QString::fromLocal8Bit(p.readAll());
        return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    QTemporaryDir _dir;
    QString _bin, _asUser;
    std::string _error;
    bool _ok = false, _running = false;
};
