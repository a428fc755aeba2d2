// `tw tune` and `tw train` end to end: the real binary on a small spirals
// spec, killed and resumed, interrupted, and given bad input.
#include "cli_support.h"

#include <QDir>
#include <QJsonArray>
#include <QMap>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>

namespace {

QByteArray spec(int epochs)
{
    return QString(R"({
  "name": "spirals-cli",
  "dataset": {"builtin": "spirals"},
  "model": {"hidden_layers": 2, "units": 32},
  "training": {"optimizer": "adam", "batch_size": 64, "epochs": %1, "seed": 0},
  "objective": {"metric": "accuracy"},
  "search_space": {"parameters": [
    {"name": "learning_rate", "type": "float", "low": 1e-3, "high": 3e-2, "log": true},
    {"name": "units", "type": "int", "low": 8, "high": 64, "log": true}
  ]}
})").arg(epochs).toUtf8();
}

/// spec(epochs) with a budget of `trials` trials.
QByteArray specWithBudget(int epochs, int trials)
{
    QByteArray s = spec(epochs);
    s.replace("\"objective\":", "\"budget\": {\"trials\": " + QByteArray::number(trials) + "},\n  \"objective\":");
    return s;
}

/// The trials of `tw export --json`, every field (host, kind, user_attrs ...).
QJsonArray exportedTrials(const QString& study, const QString& out)
{
    const Result r = tw({"export", "--study", study, "--json", out});
    if (r.code != 0) return {};
    return QJsonDocument::fromJson(readFile(out)).array();
}

QList<QJsonObject> trialsOf(const QString& study)
{
    return jsonLines(tw({"trials", "--study", study}).out);
}

int countState(const QList<QJsonObject>& trials, const QString& state)
{
    int n = 0;
    for (const auto& t : trials) n += t["state"].toString() == state;
    return n;
}

/// A raw IDX file of unsigned bytes: magic 0x0801 / 0x0803, the sizes, the bytes.
QByteArray idxFile(const QList<quint32>& dims, const QByteArray& bytes)
{
    QByteArray out;
    const auto put = [&](quint32 v) {
        for (int shift = 24; shift >= 0; shift -= 8) out.append(char((v >> shift) & 0xff));
    };
    put(0x0800u | quint32(dims.size()));
    for (quint32 d : dims) put(d);
    return out + bytes;
}

/// `n` 4x4 images, labels alternating 0 and 1 (image i: every pixel 40 * label).
void writeIdxPair(const QString& dir, const QString& prefix, int n)
{
    QByteArray pixels, labels;
    for (int i = 0; i < n; ++i) {
        labels.append(char(i % 2));
        pixels.append(QByteArray(16, char(40 * (i % 2))));
    }
    writeFile(dir + "/" + prefix + "-images-idx3-ubyte", idxFile({quint32(n), 4, 4}, pixels));
    writeFile(dir + "/" + prefix + "-labels-idx1-ubyte", idxFile({quint32(n)}, labels));
}

} // namespace

class TestCliTune : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void tuneRecordsEveryTrial();
    void tuneKilledAndRerunContinues();
    void tuneKilledAtRandomPoints();
    void tuneInterruptedStopsTheTrial();
    void trainOneConfiguration();
    void keptModelsAreListedAndEvaluated();
    void badInput();
    void idxDirLoadsThatFolder();
    void integerTargetNamesTheTask();
    void specWorkersShareTheStudyBudget();
    void specWorkerTerminatedRecordsInterrupted();
    void specWorkerBadFlags();

private:
    QScopedPointer<QTemporaryDir> _dir;
    QString path(const QString& name) const { return _dir->path() + "/" + name; }
};

void TestCliTune::init()
{
    _dir.reset(new QTemporaryDir);
    QVERIFY(_dir->isValid());
}

void TestCliTune::keptModelsAreListedAndEvaluated()
{
    QByteArray text = spec(3);
    text.replace("\"name\": \"spirals-cli\",", "\"name\": \"spirals-cli\", \"keep_models\": 2, \"split\": {\"test\": 0.2},");
    writeFile(path("spec.json"), text);
    const Result r = tw({"tune", path("spec.json"), "--study", path("k.jsonl"), "--trials", "4"});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto lines = jsonLines(r.out);
    QCOMPARE(lines.front()["models"].toString(), path("k.models"));
    QCOMPARE(lines.back()["kept_models"].toArray().size(), 2);
    // tw models: the two best, best first, with their files.
    const auto models = jsonLines(tw({"models", "--study", path("k.jsonl")}).out);
    QCOMPARE(models.size(), 2);
    QVERIFY(models[0]["value"].toDouble() >= models[1]["value"].toDouble());
    QVERIFY(QFile::exists(models[0]["model"].toString()) && QFile::exists(models[0]["model"].toString() + ".json"));
    const QJsonObject best = object(tw({"best", "--study", path("k.jsonl")}).out.trimmed());
    QCOMPARE(best["model"].toString(), models[0]["model"].toString());
    // tw evaluate: the best by default, on the validation split: its own value again.
    const Result e = tw({"evaluate", "--study", path("k.jsonl"), "--report", "--out", path("report.json")});
    QVERIFY2(e.code == 0, e.err.constData());
    const QJsonObject rep = object(e.out.trimmed());
    QCOMPARE(rep["trial"].toInt(), best["number"].toInt());
    QCOMPARE(rep["report"].toObject()["metrics"].toObject()["accuracy"].toDouble(), best["value"].toDouble());
    QCOMPARE(rep["report"].toObject()["confusion_matrix"].toArray().size(), 2);
    QVERIFY(rep["report"].toObject().contains("roc_auc"));
    QVERIFY2(e.err.contains("precision    recall  f1-score   support"), e.err.constData());
    const QJsonObject file = object(readFile(path("report.json")));
    QCOMPARE(file["decision_regions"].toObject()["resolution"].toInt(), 120); // spirals: two features
    // On the test data, and every kept model side by side.
    const Result t = tw({"evaluate", "--study", path("k.jsonl"), "--data", "test"});
    QVERIFY2(t.code == 0, t.err.constData());
    QVERIFY(object(t.out.trimmed())["data"].toString().contains("test"));
    const auto all = jsonLines(tw({"evaluate", "--study", path("k.jsonl"), "--trial", "all"}).out);
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0]["trial"].toInt(), models[0]["number"].toInt());
    // A trial whose model was not kept is named.
    int dropped = -1;
    for (const auto& trial : trialsOf(path("k.jsonl")))
        if (trial["number"].toInt() != models[0]["number"].toInt() && trial["number"].toInt() != models[1]["number"].toInt())
            dropped = trial["number"].toInt();
    const Result bad = tw({"evaluate", "--study", path("k.jsonl"), "--trial", QString::number(dropped)});
    QCOMPARE(bad.code, 1);
    QVERIFY2(bad.err.contains("has no kept model"), bad.err.constData());
    QCOMPARE(tw({"evaluate", "--study", path("k.jsonl"), "--data", "train"}).code, 2);
}

void TestCliTune::tuneRecordsEveryTrial()
{
    writeFile(path("spec.json"), spec(3));
    const Result r = tw({"tune", path("spec.json"), "--study", path("s.jsonl"), "--trials", "3"});
    QVERIFY2(r.code == 0, r.err.constData());
    // Three trials are all initial quasi-random ones: said, but run.
    QVERIFY2(r.err.contains("tw: warning: ") && r.err.contains("no Bayesian step would run"), r.err.constData());
    const auto lines = jsonLines(r.out);
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0]["budget"].toInt(), 3);
    QVERIFY(lines[0]["data"].toString().contains("train 4000, validation 1000"));
    for (int i = 1; i <= 3; ++i) {
        QCOMPARE(lines[i]["state"].toString(), QString("complete"));
        QCOMPARE(lines[i]["epochs"].toInt(), 3);
        QVERIFY(lines[i]["params"].toObject().contains("learning_rate"));
    }
    QVERIFY(lines[4]["best"].toObject().contains("params"));
    const auto trials = trialsOf(path("s.jsonl"));
    QCOMPARE(countState(trials, "complete"), 3);
    // The CSV export flattens the metrics into columns and leaves the curves to JSON.
    QCOMPARE(tw({"export", "--study", path("s.jsonl"), "--csv", path("s.csv")}).code, 0);
    const QList<QByteArray> rows = readFile(path("s.csv")).trimmed().split('\n');
    QCOMPARE(rows.size(), 4);
    QVERIFY2(rows[0].contains("metrics.accuracy") && rows[0].contains("metrics.f1") && rows[0].contains("device"),
             rows[0].constData());
    QVERIFY(!rows[0].contains("curve"));
    // The same command again: the budget is met, nothing more runs.
    const Result again = tw({"tune", path("spec.json"), "--study", path("s.jsonl"), "--trials", "3"});
    QCOMPARE(again.code, 0);
    QCOMPARE(jsonLines(again.out).size(), 2);
    QCOMPARE(trialsOf(path("s.jsonl")).size(), 3);
    auto updates = [&] {
        QList<QByteArray> found;
        for (const QByteArray& line : readFile(path("s.jsonl")).split('\n'))
            if (line.contains("\"event\":\"study_updated\"")) found << line;
        return found;
    };
    QVERIFY(updates().isEmpty()); // the same spec: nothing to record
    // A larger budget: one more trial, and the study file records the new spec.
    const Result more = tw({"tune", path("spec.json"), "--study", path("s.jsonl"), "--trials", "4"});
    QVERIFY2(more.code == 0, more.err.constData());
    QCOMPARE(trialsOf(path("s.jsonl")).size(), 4);
    QCOMPARE(updates().size(), 1);
    QVERIFY2(updates().first().contains("\"trials\":4"), updates().first().constData());
}

void TestCliTune::tuneKilledAndRerunContinues()
{
    writeFile(path("spec.json"), spec(150));
    const QString study = path("k.jsonl");
    QProcess p;
    p.start(QStringLiteral(TW_BINARY), {"tune", path("spec.json"), "--study", study, "--trials", "4"});
    QVERIFY(p.waitForStarted());
    // Kill it while a trial runs, after at least one completed.
    QTRY_VERIFY_WITH_TIMEOUT(countState(trialsOf(study), "complete") >= 1 && countState(trialsOf(study), "running") == 1,
                             120000);
    ::kill(pid_t(p.processId()), SIGKILL);
    QVERIFY(p.waitForFinished(10000));
    const auto before = trialsOf(study);
    const int completedBefore = countState(before, "complete");

    const Result r = tw({"tune", path("spec.json"), "--study", study, "--trials", "4"}, 300000);
    QVERIFY2(r.code == 0, r.err.constData());
    QVERIFY(r.err.contains("left running by a process that died"));
    const auto after = trialsOf(study);
    QCOMPARE(countState(after, "complete"), 4);
    QCOMPARE(countState(after, "failed"), 1); // the killed one, marked abandoned
    for (const auto& t : after)
        if (t["state"].toString() == "failed") QVERIFY(t["reason"].toString().startsWith("abandoned"));
    // Nothing completed before the kill was lost or changed.
    for (const auto& t : before)
        if (t["state"].toString() == "complete") {
            const auto same = after[t["number"].toInt()];
            QCOMPARE(same["value"].toDouble(), t["value"].toDouble());
            QCOMPARE(same["params"].toObject(), t["params"].toObject());
        }
    QVERIFY(completedBefore >= 1);
}

void TestCliTune::tuneKilledAtRandomPoints()
{
    // 20 rounds of tw tune killed with SIGKILL at a random point (loading
    // LibTorch, replaying, training, writing): whatever was complete before a
    // kill stays complete with the same value and parameters, the numbering
    // has no gap, and the next run marks what a kill left running failed.
    writeFile(path("spec.json"), spec(20));
    const QString study = path("r.jsonl");
    QRandomGenerator rng(1201);
    QMap<int, QJsonObject> completed;
    for (int round = 0; round < 20; ++round) {
        QProcess p;
        p.start(QStringLiteral(TW_BINARY), {"tune", path("spec.json"), "--study", study, "--trials", "200"});
        QVERIFY(p.waitForStarted());
        p.waitForFinished(200 + int(rng.bounded(2300)));
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        if (!QFile::exists(study)) continue; // killed before it created the study
        const auto trials = trialsOf(study);
        for (int i = 0; i < trials.size(); ++i) {
            QCOMPARE(trials[i]["number"].toInt(), i);
            const int n = trials[i]["number"].toInt();
            if (completed.contains(n)) {
                QCOMPARE(trials[i]["state"].toString(), QString("complete"));
                QCOMPARE(trials[i]["value"].toDouble(), completed[n]["value"].toDouble());
                QCOMPARE(trials[i]["params"].toObject(), completed[n]["params"].toObject());
            } else if (trials[i]["state"].toString() == "complete") {
                completed.insert(n, trials[i]);
            }
        }
    }
    QVERIFY(!completed.isEmpty());
    const int before = int(trialsOf(study).size());
    const Result r = tw({"tune", path("spec.json"), "--study", study, "--trials", QString::number(before + 1)}, 300000);
    QVERIFY2(r.code == 0, r.err.constData());
    const auto after = trialsOf(study);
    for (int i = 0; i < after.size(); ++i) {
        QCOMPARE(after[i]["number"].toInt(), i);
        QVERIFY2(after[i]["state"].toString() != "running", qPrintable(QString("trial %1 still running").arg(i)));
    }
    for (auto it = completed.begin(); it != completed.end(); ++it)
        QCOMPARE(after[it.key()]["value"].toDouble(), it.value()["value"].toDouble());
    QMap<QString, int> reasons;
    for (const auto& t : after)
        if (t["state"].toString() == "failed") ++reasons[t["reason"].toString().section(':', 0, 0)];
    for (auto it = reasons.begin(); it != reasons.end(); ++it)
        QVERIFY2(it.key() == "abandoned", qPrintable(it.key())); // a kill is the only way a trial ends badly here
    qInfo("%d trials complete across the kills, %d in the file, %d abandoned", int(completed.size()),
          int(after.size()), reasons.value("abandoned"));
}

void TestCliTune::tuneInterruptedStopsTheTrial()
{
    writeFile(path("spec.json"), spec(100000));
    const QString study = path("i.jsonl");
    QProcess p;
    p.start(QStringLiteral(TW_BINARY), {"tune", path("spec.json"), "--study", study, "--trials", "2"});
    QVERIFY(p.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(countState(trialsOf(study), "running") == 1, 60000);
    ::kill(pid_t(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(20000)); // a trial of 100000 epochs: only the stop request ends it
    QCOMPARE(p.exitCode(), 130);
    const auto trials = trialsOf(study);
    QCOMPARE(trials.size(), 1);
    QCOMPARE(trials[0]["state"].toString(), QString("failed"));
    QCOMPARE(trials[0]["reason"].toString(), QString("stopped"));
    QVERIFY(!trials[0].contains("value"));
}

void TestCliTune::trainOneConfiguration()
{
    writeFile(path("spec.json"), spec(3));
    writeFile(path("best.json"), R"({"number": 4, "value": 0.9, "params": {"learning_rate": 0.01, "units": 16}})");
    const Result r = tw({"train", path("spec.json"), "--params", path("best.json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const QJsonObject o = object(r.out.trimmed());
    QCOMPARE(o["status"].toString(), QString("completed"));
    QCOMPARE(o["evaluated_on"].toString(), QString("validation"));
    QVERIFY(o["metrics"].toObject()["accuracy"].toDouble() > 0.4);
    QVERIFY(o["samples_per_second"].toDouble() > 0);
    // The spirals have no test set: --final says so.
    const Result f = tw({"train", path("spec.json"), "--params", R"({"learning_rate": 0.01})", "--final"});
    QCOMPARE(f.code, 1);
    QVERIFY2(f.err.contains("(--final) needs test data"), f.err.constData());
    const Result bad = tw({"train", path("spec.json"), "--params", R"({"learning_rat": 0.01})"});
    QCOMPARE(bad.code, 1);
    QVERIFY2(bad.err.contains("learning_rat"), bad.err.constData());
}

void TestCliTune::badInput()
{
    writeFile(path("bad.json"), R"({"dataset": {"builtin": "spirals"}, "search_space": {"parameters": [
        {"name": "speed", "type": "float", "low": 0.001, "high": 0.1}]}})");
    const Result r = tw({"tune", path("bad.json"), "--trials", "1"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("bad.json") && r.err.contains("parameter 'speed' is not a setting"), r.err.constData());
    QCOMPARE(tw({"tune"}).code, 2);
    QCOMPARE(tw({"tune", path("missing.json")}).code, 1);
    writeFile(path("spec.json"), spec(2));
    QCOMPARE(tw({"tune", path("spec.json"), "--device", "tpu"}).code, 2);
    if (!QFile::exists("/dev/nvidia0")) {
        const Result cuda = tw({"tune", path("spec.json"), "--device", "cuda"});
        QCOMPARE(cuda.code, 1);
        QVERIFY2(cuda.err.contains("no CUDA device"), cuda.err.constData());
    }
    // A study made from another search space is not continued with this spec.
    QCOMPARE(tw({"create", "--study", path("other.jsonl"), "--space", TW_SOURCE_DIR "/resources/examples/mlp-space.json"}).code, 0);
    const Result other = tw({"tune", path("spec.json"), "--study", path("other.jsonl")});
    QCOMPARE(other.code, 1);
    QVERIFY(other.err.contains("another search space"));
}

void TestCliTune::idxDirLoadsThatFolder()
{
    // A folder of tiny IDX files, named as Fashion-MNIST's, next to the spec.
    QVERIFY(QDir().mkpath(path("idx")));
    writeIdxPair(path("idx"), "train", 40);
    writeIdxPair(path("idx"), "t10k", 10);
    writeFile(path("spec.json"), R"({
  "dataset": {"builtin": "fashion-mnist", "idx_dir": "idx"},
  "split": {"validation": 0.25},
  "model": {"family": "mlp", "hidden_layers": 1, "units": 8},
  "training": {"batch_size": 8, "epochs": 1, "seed": 0},
  "search_space": {"parameters": [{"name": "learning_rate", "type": "float", "low": 1e-3, "high": 1e-2, "log": true}]},
  "budget": {"trials": 1}
})");
    const Result r = tw({"tune", path("spec.json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto lines = jsonLines(r.out);
    QVERIFY(!lines.isEmpty());
    const QString data = lines.front()["data"].toString();
    QVERIFY2(data.contains("train 30, validation 10, test 10 samples; 16 features"), qPrintable(data));
    QCOMPARE(lines[1]["state"].toString(), QString("complete"));
    // With a limit, the first images of the folder (training and test).
    QByteArray limited = readFile(path("spec.json"));
    limited.replace("\"idx_dir\": \"idx\"", "\"idx_dir\": \"idx\", \"limit\": 20");
    writeFile(path("limited.json"), limited);
    const Result l = tw({"tune", path("limited.json")});
    QVERIFY2(l.code == 0, l.err.constData());
    const QString ldata = jsonLines(l.out).front()["data"].toString();
    QVERIFY2(ldata.contains("train 15, validation 5, test 10 samples"), qPrintable(ldata));
    // A folder without the files names the file it looked for.
    QVERIFY(QDir().mkpath(path("empty")));
    QByteArray empty = readFile(path("spec.json"));
    empty.replace("\"idx\"", "\"empty\"");
    writeFile(path("empty.json"), empty);
    const Result e = tw({"tune", path("empty.json")});
    QCOMPARE(e.code, 1);
    QVERIFY2(e.err.contains(path("empty/train-images-idx3-ubyte.gz").toUtf8() + " not found"), e.err.constData());
}

void TestCliTune::integerTargetNamesTheTask()
{
    // A grade from 0 to 29: integers, but more distinct values than the 20
    // that make a numeric target a class label on their own.
    QByteArray csv = "x,grade\n";
    for (int i = 0; i < 120; ++i) csv += QByteArray::number(i % 30 + 0.5 * (i % 7)) + "," + QByteArray::number(i % 30) + "\n";
    writeFile(path("grades.csv"), csv);
    const QByteArray spec = R"({
  "dataset": {"csv": "grades.csv", "target": "grade"},
  "split": {"validation": 0.25},
  "model": {"family": "mlp", "hidden_layers": 0},
  "training": {"batch_size": 16, "epochs": 1, "seed": 0},
  "objective": {"metric": "accuracy"},
  "search_space": {"parameters": [{"name": "learning_rate", "type": "float", "low": 1e-3, "high": 1e-2, "log": true}]},
  "budget": {"trials": 1}
})";
    writeFile(path("grades.json"), spec);
    for (const char* command : {"tune", "train"}) {
        const Result r = tw({command, path("grades.json")});
        QVERIFY2(r.code == 1, r.out.constData());
        for (const QByteArray& part : {path("grades.csv").toUtf8(), QByteArray("target column 'grade'"),
                                       QByteArray("30 distinct values"), QByteArray("metric 'accuracy'"),
                                       QByteArray(R"("task": "classification")")})
            QVERIFY2(r.err.contains(part), qPrintable(QString::fromUtf8("'" + part + "' not in: " + r.err)));
    }
    // Declared a classification target, the same data trains: 30 classes.
    QByteArray classified = spec;
    classified.replace(R"("target": "grade")", R"("target": "grade", "task": "classification")");
    writeFile(path("classified.json"), classified);
    const Result r = tw({"tune", path("classified.json")});
    QVERIFY2(r.code == 0, r.err.constData());
    const auto lines = jsonLines(r.out);
    QVERIFY2(lines.front()["data"].toString().contains("30 classes"), qPrintable(lines.front()["data"].toString()));
    QCOMPARE(lines[1]["state"].toString(), QString("complete"));
    // The other way round: a regression metric for classes says how to predict a number.
    classified.replace(R"("metric": "accuracy")", R"("metric": "mse")");
    writeFile(path("mse.json"), classified);
    const Result m = tw({"tune", path("mse.json")});
    QCOMPARE(m.code, 1);
    QVERIFY2(m.err.contains("classification target with 30 classes") && m.err.contains("metric 'mse'") &&
                 m.err.contains(R"("task": "regression")"),
             m.err.constData());
}

void TestCliTune::specWorkersShareTheStudyBudget()
{
    writeFile(path("spec.json"), specWithBudget(3, 4));
    const QString study = path("w.jsonl");
    // Two workers started together on a study that does not exist yet: one
    // creates it from the spec, the other joins; both stop at its budget.
    QProcess a, b;
    const QStringList args{"worker", "--study", study, "--spec", path("spec.json"), "--device", "cpu", "--grace", "6"};
    a.start(QStringLiteral(TW_BINARY), args);
    b.start(QStringLiteral(TW_BINARY), args);
    QVERIFY(a.waitForFinished(300000) && b.waitForFinished(300000));
    QVERIFY2(a.exitCode() == 0, a.readAllStandardError().constData());
    QVERIFY2(b.exitCode() == 0, b.readAllStandardError().constData());
    int ran = 0;
    for (QProcess* p : {&a, &b}) {
        const auto lines = jsonLines(p->readAllStandardOutput());
        QVERIFY(lines.size() >= 2);
        QCOMPARE(lines.first()["budget"].toObject()["trials"].toInt(), 4);
        QVERIFY(!lines.first()["host"].toString().isEmpty());
        ran += lines.last()["ran"].toInt();
        QVERIFY2(lines.last()["budget"].toString().contains("of 4 trials counted"),
                 QJsonDocument(lines.last()).toJson().constData());
    }
    const QJsonArray trials = exportedTrials(study, path("w.json"));
    // Trials in flight when the budget is met still finish: 4, or 5.
    QVERIFY2(trials.size() >= 4 && trials.size() <= 5, QByteArray::number(trials.size()).constData());
    QCOMPARE(ran, trials.size());
    QSet<int> numbers;
    QSet<QString> points;
    for (const auto& v : trials) {
        const QJsonObject t = v.toObject();
        QCOMPARE(t["state"].toString(), QString("complete"));
        numbers.insert(t["number"].toInt());
        points.insert(QString::fromUtf8(QJsonDocument(t["params"].toObject()).toJson(QJsonDocument::Compact)));
        // Where it ran, recorded when it started: what a window on another machine shows.
        QCOMPARE(t["user_attrs"].toObject()["device"].toString(), QString("cpu"));
    }
    QCOMPARE(numbers.size(), trials.size());
    QCOMPARE(points.size(), trials.size());
    // Each trial promised heartbeats every grace / 6 s, stale after --grace.
    QVERIFY(readFile(study).contains("\"heartbeat\":{\"grace\":6.0,\"interval\":1.0}"));
    QCOMPARE(tw({"budget", "--study", study}).code, 0);
    // Met: a worker started now runs nothing.
    const Result late = tw({"worker", "--study", study, "--spec", path("spec.json")});
    QVERIFY2(late.code == 0, late.err.constData());
    QCOMPARE(jsonLines(late.out).last()["ran"].toInt(), 0);
    // Another search space on the same study is refused, naming both.
    QByteArray other = specWithBudget(3, 4);
    other.replace("\"units\", \"type\": \"int\", \"low\": 8", "\"units\", \"type\": \"int\", \"low\": 9");
    writeFile(path("other.json"), other);
    const Result refused = tw({"worker", "--study", study, "--spec", path("other.json")});
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.err.contains("another search space or direction than") && refused.err.contains("other.json"),
             refused.err.constData());
}

void TestCliTune::specWorkerTerminatedRecordsInterrupted()
{
    writeFile(path("spec.json"), specWithBudget(100000, 3));
    const QString study = path("t.jsonl");
    QProcess p;
    p.start(QStringLiteral(TW_BINARY), {"worker", "--study", study, "--spec", path("spec.json")});
    QVERIFY(p.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(countState(trialsOf(study), "running") == 1, 60000);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(20000)); // 100000 epochs: only the stop request ends it
    QCOMPARE(p.exitCode(), 130);
    const QJsonArray trials = exportedTrials(study, path("t.json"));
    QCOMPARE(trials.size(), 1);
    const QJsonObject t = trials[0].toObject();
    QCOMPARE(t["state"].toString(), QString("failed"));
    QCOMPARE(t["kind"].toString(), QString("interrupted"));
    QCOMPARE(tw({"budget", "--study", study}).out.contains("\"counted\":0"), true); // cut short: not counted
}

void TestCliTune::specWorkerBadFlags()
{
    writeFile(path("spec.json"), specWithBudget(3, 2));
    const QString study = path("b.jsonl");
    const auto run = [&](const QStringList& extra) {
        return tw(QStringList{"worker", "--study", study, "--spec", path("spec.json")} + extra);
    };
    Result r = run({"--objective-cmd", "echo 1"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--spec and --objective-cmd"), r.err.constData());
    r = run({"--device", "cuda:x"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--device: expected auto|cpu|cuda|cuda:K (got 'cuda:x')"), r.err.constData());
    r = run({"--device", "cuda:999"});
    QCOMPARE(r.code, 1); // no such device here (none at all, or fewer)
    QVERIFY2(r.err.contains("--device cuda:999") && r.err.contains("CUDA device"), r.err.constData());
    r = run({"--workers", "2"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--workers goes with --objective-cmd"), r.err.constData());
    r = run({"--grace", "0.5"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--grace: expected at least 1 (seconds)"), r.err.constData());
    r = run({"--max-trials", "0"});
    QCOMPARE(r.code, 2);
    QVERIFY(!QFile::exists(study)); // nothing was created by a refused command
}

QTEST_MAIN(TestCliTune)
#include "test_cli_tune.moc"
