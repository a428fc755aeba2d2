// The study viewer window, offscreen: it lists every trial of a study file,
// sorts numerically, and reports a malformed file instead of crashing.
#include "study_viewer.h"
#include "run/trial_table_model.h"

#include "study/study.h"

#include <QDir>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace tw;

class TestStudyViewer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void listsTrials();
    void reportsMalformedFile();
};

void TestStudyViewer::listsTrials()
{
    QTemporaryDir dir;
    const std::string file = (dir.path() + "/viewer.jsonl").toStdString();
    study::StudyConfig c;
    c.name = "viewer";
    c.space = space::SearchSpace({space::FloatParam{"lr", 1e-4, 1e-1, true, std::nullopt},
                                  space::IntParam{"units", 16, 256, false},
                                  space::CategoricalParam{"optimizer", {std::string("sgd"), std::string("adam")}}});
    c.sampler.name = "qmc";
    {
        auto st = study::Study::createFile(file, c);
        for (int i = 0; i < 12; ++i) {
            auto t = st->ask();
            if (i == 4) st->tell(t.number, study::Outcome::failed("diverged: loss is nan"));
            else if (i < 11) st->tell(t.number, study::Outcome::complete(std::abs(std::log10(t.params[0]) + 2.0) + i * 0.01));
        }
    }
    ui::StudyViewer w;
    QVERIFY2(w.openStudy(QString::fromStdString(file)), qPrintable(w.errorString()));
    QCOMPARE(w.model()->rowCount(), 12);
    QCOMPARE(w.model()->columnCount(), 4 + 3);
    QCOMPARE(w.model()->headerData(4, Qt::Horizontal).toString(), QString("lr"));
    QCOMPARE(w.model()->data(w.model()->index(4, 1)).toString(), QString("failed"));
    QCOMPARE(w.model()->data(w.model()->index(4, 1), Qt::ToolTipRole).toString(), QString("diverged: loss is nan"));
    QCOMPARE(w.model()->data(w.model()->index(11, 1)).toString(), QString("running"));
    const QString opt = w.model()->data(w.model()->index(0, 6)).toString();
    QVERIFY(opt == "sgd" || opt == "adam");

    // Sorting by objective is numeric: the first row is the best trial.
    w.view()->sortByColumn(2, Qt::AscendingOrder);
    const auto* m = w.view()->model();
    double previous = -1e300;
    for (int r = 0; r < m->rowCount(); ++r) {
        const QVariant v = m->data(m->index(r, 2));
        if (!v.isValid()) continue;
        QVERIFY(v.toDouble() >= previous);
        previous = v.toDouble();
    }
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    const QString shot = QDir(QStringLiteral(TW_BUILD_DIR)).filePath("screenshots/study-viewer.png");
    QDir().mkpath(QFileInfo(shot).path());
    QVERIFY(w.grab().save(shot));
}

void TestStudyViewer::reportsMalformedFile()
{
    QTemporaryDir dir;
    const QString file = dir.path() + "/bad.jsonl";
    std::ofstream(file.toStdString()) << "{\"event\":\"trial_told\"}\n";
    ui::StudyViewer w;
    QVERIFY(!w.openStudy(file));
    QVERIFY2(w.errorString().contains("bad.jsonl"), qPrintable(w.errorString()));
    QVERIFY(!w.openStudy(dir.path() + "/missing.jsonl"));
    QVERIFY(w.errorString().contains("missing.jsonl"));
}

QTEST_MAIN(TestStudyViewer)
#include "test_study_viewer.moc"
