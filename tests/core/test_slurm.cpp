// tw slurm: the sbatch script it writes (the template's worker part, every
// argument quoted so that names with spaces, quotes and $ survive), run by
// hand; submitting through a stand-in sbatch (job id, sbatch's errors, no
// sbatch); the mistakes it refuses; and a real one-node Slurm cluster
// (munged, slurmctld, slurmd started here) running `tw slurm --workers 3` on
// a PostgreSQL study to the end of its budget. The PostgreSQL parts skip
// without a server, the cluster part without Slurm (or root), saying why.
#include "core/cli_support.h"
#include "core/pg_server.h"
#include "core/slurm_cluster.h"
#include "core/spirals_spec.h"

#include <QDir>
#include <QJsonArray>
#include <QtTest>

#include <memory>
#include <set>

namespace {

/// Runs `program` with `args` in `cwd` with the environment `env`.
Result runIn(const QString& program, const QStringList& args, const QString& cwd, const QProcessEnvironment& env,
             int timeoutMs = 120000)
{
    QProcess p;
    p.setWorkingDirectory(cwd);
    p.setProcessEnvironment(env);
    p.start(program, args);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        qWarning("%s %s: timed out", qPrintable(program), qPrintable(args.join(' ')));
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
            p.readAllStandardError()};
}

// A study name and an objective command that only survive proper quoting:
// spaces, both quotes, $ and a backslash. The objective prints half the
// trial's number, so each trial's value tells that its own command ran.
const QString kOddName = QStringLiteral("it's a \"study\" $HOME \\ x");
const QString kObjective = QStringLiteral("sleep 0.2; printf '%s\\n' \"$TW_TRIAL\" | awk '{ print $1 / 2 }'");

/// The worker part of the repository's sbatch script.
QByteArray templateWorkerPart()
{
    const QByteArray text = readFile(QStringLiteral(TW_SOURCE_DIR "/scripts/slurm/tw-worker.sbatch"));
    const int at = text.indexOf("\n# ---- the worker:");
    return at < 0 ? QByteArray() : text.mid(at + 1);
}

} // namespace

class TestSlurm : public QObject {
    Q_OBJECT

    QTemporaryDir _dir;
    std::unique_ptr<PgServer> _pg;
    std::unique_ptr<SlurmCluster> _cluster;
    int _studies = 0;

    QString path(const QString& name) const { return _dir.filePath(name); }
    QString url() const { return QString::fromStdString(_pg->url()); }
    void needServer()
    {
        if (!_pg || !_pg->ok()) QSKIP(("no PostgreSQL server: " + (_pg ? _pg->error() : std::string("?"))).c_str());
    }
    /// A new study on the server with a budget of `trials`.
    QString createStudy(const QString& name, int trials)
    {
        const QString space = path("space.json");
        writeFile(space, R"({"parameters": [{"name": "x", "type": "float", "low": -1, "high": 1}]})");
        QStringList args{"create", "--storage", url(), "--study", name, "--space", space, "--sampler", "random"};
        if (trials > 0) args << "--trials" << QString::number(trials);
        const Result r = tw(args);
        if (r.code != 0) qWarning("tw create: %s", r.err.constData());
        return name;
    }
    QString freshOddName() { return kOddName + " " + QString::number(++_studies); }
    /// Every trial: complete ones with value = number / 2, numbers unique, none running.
    int checkTrials(const QString& study)
    {
        const Result r = tw({"trials", "--storage", url(), "--study", study});
        if (r.code != 0) qWarning("tw trials: %s", r.err.constData());
        std::set<int> numbers;
        int complete = 0, running = 0;
        const auto trials = jsonLines(r.out);
        for (const auto& t : trials) {
            numbers.insert(t["number"].toInt());
            if (t["state"] == "complete") {
                ++complete;
                if (t["value"].toDouble() != t["number"].toInt() / 2.0)
                    qWarning("trial %d: value %g", t["number"].toInt(), t["value"].toDouble());
                else
                    ++_valuesRight;
            }
            running += t["state"] == "running";
        }
        _numbersUnique = int(numbers.size()) == trials.size();
        _running = running;
        return complete;
    }
    int _valuesRight = 0, _running = 0;
    bool _numbersUnique = false;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(_dir.isValid());
        _pg = std::make_unique<PgServer>();
        if (!_pg->ok()) qWarning("no PostgreSQL server: %s", _pg->error().c_str());
    }

    void cleanupTestCase()
    {
        _cluster.reset(); // its jobs use the server: they go first
        _pg.reset();
    }

    void help()
    {
        const Result r = tw({"slurm", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("usage: tw slurm"));
        QVERIFY(r.out.contains("--gpus-per-task"));
        QVERIFY(tw({"--help"}).out.contains("slurm"));
    }

    void usageErrors()
    {
        // Flags are checked before any storage is reached (this URL has no server).
        const QStringList base{"slurm", "--storage", "postgresql://tw@/none?host=/nonexistent", "--study", "s"};
        const QStringList cmd{"--objective-cmd", "echo 1"};
        const struct {
            QStringList args;
            const char* message;
        } cases[] = {
            {base + cmd, "--workers is required"},
            {base + cmd + QStringList{"--workers", "0"}, "--workers: expected a positive integer (got '0')"},
            {base + cmd + QStringList{"--workers", "1001"}, "--workers: expected at most 1000"},
            {base + QStringList{"--workers", "2"}, "one of --spec, --objective-cmd is required"},
            {base + cmd + QStringList{"--workers", "2", "--spec", "x.json"}, "--spec and --objective-cmd exclude each other"},
            {base + QStringList{"--workers", "2", "--spec", path("nope.json")}, "nope.json: no such file"},
            {base + cmd + QStringList{"--workers", "2", "--device", "cuda"}, "--device applies to --spec"},
            {base + cmd + QStringList{"--workers", "2", "--time", "1:99"}, "--time: expected a Slurm time limit"},
            {base + cmd + QStringList{"--workers", "2", "--time", "soon"}, "--time: expected a Slurm time limit"},
            {base + cmd + QStringList{"--workers", "2", "--mem", "16GB"}, "--mem: expected memory per task"},
            {base + cmd + QStringList{"--workers", "2", "--partition", "a b"}, "--partition: expected a Slurm partition"},
            {base + cmd + QStringList{"--workers", "2", "--gpus-per-task", "-1"}, "--gpus-per-task: expected a non-negative"},
            {base + cmd + QStringList{"--workers", "2", "--cpus-per-task", "0"}, "--cpus-per-task: expected a positive"},
            {base + cmd + QStringList{"--workers", "2", "--max-trials", "0"}, "--max-trials: expected a positive"},
            {base + cmd + QStringList{"--workers", "2", "--grace", "0.5"}, "--grace: expected at least 1"},
            {base + cmd + QStringList{"--workers", "2", "--output", path("a%b")}, "Slurm's #SBATCH lines or file name patterns"},
            {base + cmd + QStringList{"--workers", "2", "--script", "-"}, "only with --dry-run"},
            {base + cmd + QStringList{"--workers", "2", "--tw", "build/tw"}, "--tw: expected an absolute path"},
            {QStringList{"slurm", "--study", path("s.jsonl"), "--workers", "2"} + cmd,
             "a study file is not shared safely between machines"},
        };
        for (const auto& c : cases) {
            const Result r = tw(c.args);
            QVERIFY2(r.code == 2, qPrintable(c.args.join(' ') + ": " + r.err));
            QVERIFY2(r.err.contains(c.message), qPrintable(c.args.join(' ') + ": " + r.err));
        }
        // A spec's device: GPUs inside a task are numbered from 0.
        writeFile(path("spec.json"), "{}");
        Result r = tw(base + QStringList{"--workers", "2", "--spec", path("spec.json"), "--device", "cuda:1"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("a task sees only the GPUs Slurm gave it, as cuda:0 to cuda:0"), r.err.constData());
        r = tw(base + QStringList{"--workers", "2", "--spec", path("spec.json"), "--timeout", "60"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--timeout goes with --objective-cmd"), r.err.constData());
        r = tw(base + QStringList{"--workers", "2", "--spec", path("spec.json"), "--device", "gpu"});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("--device: expected auto, cpu, cuda or cuda:K (got 'gpu')"), r.err.constData());
        // A password never gets into a script (nor into the message).
        r = tw({"slurm", "--storage", "postgresql://tw:hunter2@/postgres?host=/nonexistent", "--study", "s",
                "--workers", "2", "--objective-cmd", "echo 1", "--dry-run", "--output", path("pw")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("the URL holds a password") && !r.err.contains("hunter2"), r.err.constData());
        QVERIFY(!QFileInfo::exists(path("pw")));
    }

    void theStudyMustBeReady()
    {
        needServer();
        Result r = tw({"slurm", "--storage", url(), "--study", "nothing here", "--workers", "2", "--objective-cmd",
                       "echo 1", "--dry-run", "--output", path("none")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no study named 'nothing here'") && r.err.contains("create it first") &&
                     r.err.contains("tw create --storage"),
                 r.err.constData());
        // With --spec the workers create it from the spec: nothing to make first.
        writeFile(path("ready-spec.json"), R"({"dataset": {"builtin": "spirals"}, "objective": {"metric": "accuracy"},
          "search_space": {"parameters": [{"name": "learning_rate", "type": "float", "low": 1e-3, "high": 0.1}]}})");
        r = tw({"slurm", "--storage", url(), "--study", "made by the workers", "--workers", "2", "--spec",
                path("ready-spec.json"), "--dry-run", "--output", path("none")});
        QVERIFY2(r.code == 0, r.err.constData());
        // Without a budget the workers would never stop.
        const QString study = createStudy("no budget", 0);
        r = tw({"slurm", "--storage", url(), "--study", study, "--workers", "2", "--objective-cmd", "echo 1",
                "--dry-run", "--output", path("none")});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("has no budget") && r.err.contains("--max-trials"), r.err.constData());
        r = tw({"slurm", "--storage", url(), "--study", study, "--workers", "2", "--objective-cmd", "echo 1",
                "--max-trials", "3", "--dry-run", "--output", path("none")});
        QVERIFY2(r.code == 0, r.err.constData());
        // This server is reached by a Unix socket: workers elsewhere could not.
        QVERIFY2(r.err.contains("tw: warning: --storage reaches the database through a Unix socket"), r.err.constData());
    }

    /// The script of --dry-run, then run by hand as Slurm would run one task.
    void scriptRunsByHand()
    {
        needServer();
        const QString study = createStudy(freshOddName(), 4);
        const QString out = path("dry run's logs");
        Result r = tw({"slurm", "--storage", url(), "--study", study, "--workers", "3", "--objective-cmd", kObjective,
                       "--partition", "debug", "--time", "1-00:00", "--cpus-per-task", "2", "--mem", "2G", "--dry-run",
                       "--output", out});
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject printed = object(r.out);
        QVERIFY(printed["job"].isNull());
        QCOMPARE(printed["study"].toString(), study);
        QCOMPARE(printed["storage"].toString(), url());
        QCOMPARE(printed["workers"].toInt(), 3);
        QCOMPARE(printed["output"].toString(), out);
        const QString scriptPath = printed["script"].toString();
        QVERIFY2(scriptPath.startsWith(out + "/tw-worker-") && scriptPath.endsWith(".sbatch"), qPrintable(scriptPath));
        const QByteArray script = readFile(scriptPath);
        for (const char* line : {"#SBATCH --array=0-2\n", "#SBATCH --ntasks=1\n", "#SBATCH --cpus-per-task=2\n",
                                 "#SBATCH --partition=debug\n", "#SBATCH --time=1-00:00\n", "#SBATCH --mem=2G\n"})
            QVERIFY2(script.contains(line), line);
        QVERIFY(script.contains("#SBATCH --output=\"" + out.toUtf8() + "/tw-worker-%A_%a.out\"\n"));
        QVERIFY(!script.contains("--gres"));
        QVERIFY(script.contains("\nTW_BIN='" TW_BINARY "'\n"));
        // One source: the worker part is the repository script's, byte for byte.
        const QByteArray part = templateWorkerPart();
        QVERIFY(!part.isEmpty());
        QVERIFY(script.endsWith(part));
        // Every #SBATCH line comes before the first command (sbatch reads no further).
        const int firstCommand = script.indexOf("\ncd ");
        QVERIFY(firstCommand > 0 && script.lastIndexOf("#SBATCH") < firstCommand);

        // As one task: bash runs the script; the worker runs on the odd study
        // with the odd command until the budget is met.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("SLURM_ARRAY_TASK_ID", "0");
        env.insert("TW_STUDY", "not this one"); // the script's settings win over the environment
        r = runIn("bash", {scriptPath}, _dir.path(), env);
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.err.contains("tw-worker: task 0 of job"), r.err.constData());
        const auto lines = jsonLines(r.out);
        QVERIFY(!lines.isEmpty());
        QVERIFY2(lines.back()["budget"].toString().contains("4 of 4 trials counted"), r.out.constData());
        _valuesRight = 0;
        QCOMPARE(checkTrials(study), 4);
        QCOMPARE(_valuesRight, 4);
        QVERIFY(_numbersUnique);

        // --script - prints the same script (less its own path) on stdout.
        r = tw({"slurm", "--storage", url(), "--study", study, "--workers", "3", "--objective-cmd", kObjective,
                "--dry-run", "--script", "-", "--output", out});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.startsWith("#!/bin/bash\n") && r.out.endsWith(part));

        // A spec with a GPU device: one GPU per task unless told otherwise.
        writeFile(path("spec.json"), "{}");
        r = tw({"slurm", "--storage", url(), "--study", study, "--workers", "2", "--spec", path("spec.json"),
                "--device", "cuda", "--max-trials", "5", "--grace", "90", "--dry-run", "--script", "-"});
        QVERIFY2(r.code == 0, r.err.constData());
        for (const char* line : {"#SBATCH --gres=gpu:1\n", "\nTW_DEVICE='cuda'\n", "\nTW_OBJECTIVE_CMD=''\n",
                                 "\nTW_MAX_TRIALS='5'\n", "\nTW_TIMEOUT=''\n", "\nTW_GRACE='90'\n"})
            QVERIFY2(r.out.contains(line), line);
        QVERIFY(r.out.contains("\nTW_SPEC='" + path("spec.json").toUtf8() + "'\n"));
        r = tw({"slurm", "--storage", url(), "--study", study, "--workers", "2", "--spec", path("spec.json"),
                "--device", "cuda:1", "--gpus-per-task", "2", "--dry-run", "--script", "-"});
        QVERIFY2(r.code == 0 && r.out.contains("#SBATCH --gres=gpu:2\n"), r.err.constData());
        r = tw({"slurm", "--storage", url(), "--study", study, "--workers", "2", "--spec", path("spec.json"),
                "--device", "cpu", "--dry-run", "--script", "-"});
        QVERIFY2(r.code == 0 && r.out.contains("\nTW_DEVICE='cpu'\n") && !r.out.contains("--gres"), r.err.constData());
    }

    /// The repository's script, submitted by hand: its settings from the environment.
    void templateRunsByHand()
    {
        needServer();
        const QString study = createStudy(freshOddName(), 2);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("TW_BIN", TW_BINARY);
        env.insert("TW_STORAGE", url());
        env.insert("TW_STUDY", study);
        env.insert("TW_OBJECTIVE_CMD", kObjective);
        const QString script = QStringLiteral(TW_SOURCE_DIR "/scripts/slurm/tw-worker.sbatch");
        Result r = runIn("bash", {script}, _dir.path(), env);
        QVERIFY2(r.code == 0, r.err.constData());
        _valuesRight = 0;
        QCOMPARE(checkTrials(study), 2);
        QCOMPARE(_valuesRight, 2);
        // Mistakes in the settings are named.
        env.remove("TW_STUDY");
        r = runIn("bash", {script}, _dir.path(), env);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("set TW_STUDY"), r.err.constData());
        env.insert("TW_STUDY", study);
        env.insert("TW_SPEC", "x.json");
        r = runIn("bash", {script}, _dir.path(), env);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("TW_SPEC and TW_OBJECTIVE_CMD exclude each other"), r.err.constData());
    }

    /// Submitting, with a stand-in for sbatch on PATH.
    void submitsWithSbatch()
    {
        needServer();
        const QString study = createStudy(freshOddName(), 3);
        const QString bin = path("fake-bin");
        QDir().mkpath(bin);
        // Records its arguments and the script, and answers as --parsable does.
        writeFile(bin + "/sbatch",
                  "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$FAKE_DIR/args\"\ncp \"$2\" \"$FAKE_DIR/submitted\"\n"
                  "echo '4242;main'\n",
                  true);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("PATH", bin + ":/usr/bin:/bin"); // the stand-in first
        env.insert("FAKE_DIR", _dir.path());
        const QStringList args{"slurm", "--storage", url(), "--study", study, "--workers", "2", "--objective-cmd",
                               kObjective, "--output", path("fake logs")};
        Result r = runIn(TW_BINARY, args, _dir.path(), env);
        QVERIFY2(r.code == 0, r.err.constData());
        const QJsonObject printed = object(r.out);
        QCOMPARE(printed["job"].toInt(), 4242);
        QCOMPARE(printed["cluster"].toString(), QString("main"));
        QCOMPARE(printed["logs"].toString(), path("fake logs") + "/tw-worker-4242_*.out");
        const QString script = printed["script"].toString();
        QCOMPARE(readFile(path("args")), "--parsable\n" + script.toUtf8() + "\n");
        QCOMPARE(readFile(path("submitted")), readFile(script));

        // sbatch's own words when it refuses.
        writeFile(bin + "/sbatch",
                  "#!/bin/sh\necho 'sbatch: error: Batch job submission failed: Invalid account' >&2\nexit 1\n", true);
        r = runIn(TW_BINARY, args, _dir.path(), env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sbatch refused the job (exit status 1): sbatch: error: Batch job submission failed: "
                                "Invalid account"),
                 r.err.constData());
        writeFile(bin + "/sbatch", "#!/bin/sh\necho 'Submitted batch job 12'\n", true);
        r = runIn(TW_BINARY, args, _dir.path(), env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sbatch printed no job id (got 'Submitted batch job 12')"), r.err.constData());
        // No Slurm here at all.
        env.insert("PATH", path("empty"));
        r = runIn(TW_BINARY, args, _dir.path(), env);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sbatch not found on PATH") && r.err.contains("slurm"), r.err.constData());
        QCOMPARE(checkTrials(study), 0); // nothing ran
    }

    /// A real cluster: three workers as an array job finish the study's budget.
    void clusterRunsTheStudy()
    {
        needServer();
        _cluster = std::make_unique<SlurmCluster>();
        if (!_cluster->ok()) {
            const std::string why = "no Slurm cluster could be started here: " + _cluster->error();
            if (qEnvironmentVariableIsSet("TW_REQUIRE_SLURM")) QFAIL(why.c_str());
            QSKIP(why.c_str());
        }
        const QString study = createStudy(freshOddName(), 12);
        const QString out = path("cluster logs");
        const QStringList args{"slurm", "--storage", url(), "--study", study, "--workers", "3", "--objective-cmd",
                               kObjective, "--output", out, "--time", "10:00"};
        Result r = runIn(TW_BINARY, args, _dir.path(), _cluster->environment());
        QVERIFY2(r.code == 0, qPrintable(r.err + QString::fromStdString(_cluster->logTail())));
        const QJsonObject printed = object(r.out);
        const int job = printed["job"].toInt();
        QVERIFY2(job > 0, r.out.constData());

        // Each task of that job ran to its end and left its log.
        const QStringList tasks = _cluster->waitForJob(QString::number(job), 300);
        QCOMPARE(tasks, QStringList({"0 COMPLETED 0:0", "1 COMPLETED 0:0", "2 COMPLETED 0:0"}));
        const QString logs = QString::fromStdString(_cluster->logTail());
        for (int task = 0; task < 3; ++task) {
            const QString log = out + QString("/tw-worker-%1_%2.out").arg(job).arg(task);
            const QByteArray text = readFile(log);
            QVERIFY2(text.contains(QString("tw-worker: task %1 of job %2").arg(task).arg(job).toUtf8()),
                     qPrintable(log + ": " + text + logs));
            QList<QJsonObject> lines; // tw worker's JSON lines, between the script's and tw's messages
            for (const QByteArray& line : text.split('\n'))
                if (line.startsWith('{')) lines << object(line);
            QVERIFY2(!lines.isEmpty() && lines.back()["budget"].toString().contains("trials counted"),
                     qPrintable(log + ": " + text));
            qInfo("task %d ran %d trial(s)", task, lines.back()["trials"].toInt());
        }
        // The study: its budget met, trials in flight then finished (one
        // per other worker at most), each with its own command's result.
        _valuesRight = 0;
        const int complete = checkTrials(study);
        QVERIFY2(complete >= 12 && complete <= 12 + 2, qPrintable(QString::number(complete)));
        QCOMPARE(_valuesRight, complete);
        QVERIFY(_numbersUnique);
        QCOMPARE(_running, 0);
        r = tw({"budget", "--storage", url(), "--study", study});
        QVERIFY2(object(r.out)["met"].toString().contains("of 12 trials counted"), r.out.constData());

        // Spec workers: the first task creates the study from the spec (its
        // budget of 4 trials), the other joins; both train until it is met.
        nlohmann::json spec = spiralsSpecJson("spirals-slurm", 2);
        spec["budget"] = {{"trials", 4}};
        writeFile(path("cluster-spec.json"), QByteArray::fromStdString(spec.dump()));
        const QString specStudy = freshOddName();
        r = runIn(TW_BINARY,
                  {"slurm", "--storage", url(), "--study", specStudy, "--workers", "2", "--spec", path("cluster-spec.json"),
                   "--device", "cpu", "--output", out, "--time", "10:00"},
                  _dir.path(), _cluster->environment());
        QVERIFY2(r.code == 0, qPrintable(r.err + QString::fromStdString(_cluster->logTail())));
        const int specJob = object(r.out)["job"].toInt();
        QCOMPARE(_cluster->waitForJob(QString::number(specJob), 600), QStringList({"0 COMPLETED 0:0", "1 COMPLETED 0:0"}));
        r = tw({"budget", "--storage", url(), "--study", specStudy});
        QVERIFY2(object(r.out)["met"].toString().contains("of 4 trials counted"),
                 qPrintable(r.out + readFile(out + QString("/tw-worker-%1_0.out").arg(specJob))));

        // What sbatch of a real cluster refuses comes back in its words: this node has no GPUs.
        r = runIn(TW_BINARY, args + QStringList{"--gpus-per-task", "1"}, _dir.path(), _cluster->environment());
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sbatch refused the job") && r.err.contains("gres"), r.err.constData());
    }
};

QTEST_APPLESS_MAIN(TestSlurm)
#include "test_slurm.moc"
