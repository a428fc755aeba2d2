// The background surrogate fitter: fewer than 2 complete trials give a null
// surrogate (not a failure); a fit that throws reports why; requests made
// while a fit runs coalesce to the newest, whose surrogate is announced last;
// a request made right after a fit ended, before its finished event was
// delivered, is not lost; destroying the fitter during a fit waits for it.
// The model is the GP sampler's: past the initial trials of a GP study it
// chooses, and its proposal (announced second) is the trial the study asks next.
#include "contour_study.h"
#include "plots/surrogate_fitter.h"

#include "study/study.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

#include <cmath>

using namespace tw;

namespace {

std::unique_ptr<study::Study> makeStudy(int n, int seed = 5)
{
    return makeContourStudy("fitter", n, uint64_t(seed));
}

using SurrogatePtr = std::shared_ptr<const gp::Surrogate>;

SurrogatePtr surrogateOf(const QList<QVariant>& signal)
{
    const auto m = signal.at(0).value<ui::StudyModelPtr>();
    return m ? m->surrogate : nullptr;
}

/// Processes events until the fitter is idle, at most `ms` (no hang on a bug).
bool settle(ui::SurrogateFitter& f, int ms = 60000)
{
    QElapsedTimer clock;
    clock.start();
    while (f.busy() && clock.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return !f.busy();
}

} // namespace

class TestSurrogateFitter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void tooFewTrialsGiveNull();
    void fitErrorIsReported();
    void requestsCoalesceToTheNewest();
    void requestAfterFitEndedIsNotLost();
    void requestFromTheFittedSlot();
    void destroyedDuringAFit();
    void modelProposesTheNextTrial();
};

void TestSurrogateFitter::tooFewTrialsGiveNull()
{
    ui::SurrogateFitter f;
    QSignalSpy fitted(&f, &ui::SurrogateFitter::fitted), failed(&f, &ui::SurrogateFitter::failed);
    QVERIFY(!f.busy());
    for (int n : {0, 1}) {
        auto st = makeStudy(n);
        f.request(st->space(), st->trials());
        QVERIFY(f.busy());
        QVERIFY(settle(f));
    }
    QCOMPARE(fitted.size(), 2);
    QVERIFY(surrogateOf(fitted.at(0)) == nullptr);
    QVERIFY(surrogateOf(fitted.at(1)) == nullptr);
    QCOMPARE(failed.size(), 0);

    // Two complete trials are enough.
    auto two = makeStudy(2);
    f.request(two->space(), two->trials());
    f.waitForIdle();
    QCOMPARE(fitted.size(), 3);
    QVERIFY(surrogateOf(fitted.at(2)));
    QCOMPARE(surrogateOf(fitted.at(2))->observations(), 2);
}

void TestSurrogateFitter::fitErrorIsReported()
{
    ui::SurrogateFitter f;
    QSignalSpy fitted(&f, &ui::SurrogateFitter::fitted), failed(&f, &ui::SurrogateFitter::failed);
    auto st = makeStudy(4);
    auto trials = st->trials();
    trials[1].params.pop_back();  // a trial that does not match the space
    f.request(st->space(), trials);
    QVERIFY(settle(f));
    QCOMPARE(fitted.size(), 0);
    QCOMPARE(failed.size(), 1);
    QVERIFY2(failed.first().at(0).toString().contains("expected 3 values"), qPrintable(failed.first().at(0).toString()));
}

void TestSurrogateFitter::requestsCoalesceToTheNewest()
{
    ui::SurrogateFitter f;
    QSignalSpy fitted(&f, &ui::SurrogateFitter::fitted);
    auto a = makeStudy(30), b = makeStudy(9), c = makeStudy(12);
    f.request(a->space(), a->trials());
    f.request(b->space(), b->trials());  // waits, then is replaced by c
    f.request(c->space(), c->trials());
    QVERIFY(f.busy());
    QVERIFY(settle(f));
    // a's model (its proposal dropped: c waits), then c's, then c's with its proposal.
    QVERIFY2(fitted.size() >= 1 && fitted.size() <= 3, qPrintable(QString::number(fitted.size())));
    for (const auto& s : fitted) QVERIFY(surrogateOf(s)->observations() != 9);
    QCOMPARE(surrogateOf(fitted.last())->observations(), 12);
}

void TestSurrogateFitter::requestAfterFitEndedIsNotLost()
{
    // The fit ends on the pool while the GUI thread is busy (no events
    // processed); a request then must still be fitted and announced.
    ui::SurrogateFitter f;
    QSignalSpy fitted(&f, &ui::SurrogateFitter::fitted);
    auto a = makeStudy(4), b = makeStudy(7);
    for (int round = 0; round < 3; ++round) {
        fitted.clear();
        f.request(a->space(), a->trials());
        QThread::msleep(300);  // long enough for a 4-trial fit
        f.request(b->space(), b->trials());
        QVERIFY2(settle(f, 30000), "the fitter stays busy: a finished fit was never announced");
        QVERIFY(fitted.size() >= 1);
        QCOMPARE(surrogateOf(fitted.last())->observations(), 7);
    }
}

void TestSurrogateFitter::requestFromTheFittedSlot()
{
    // The window requests again when a trial completes, possibly from a slot
    // connected to fitted(): the fitter must take it.
    ui::SurrogateFitter f;
    auto a = makeStudy(5), b = makeStudy(8);
    std::vector<int> seen;
    connect(&f, &ui::SurrogateFitter::fitted, this, [&](ui::StudyModelPtr m) {
        seen.push_back(m ? m->surrogate->observations() : 0);
        if (seen.size() == 1) f.request(b->space(), b->trials());
    });
    f.request(a->space(), a->trials());
    QVERIFY(settle(f));
    // 5 (a's proposal dropped: b came first), then b's model and b's with its proposal.
    QCOMPARE(seen, (std::vector<int>{5, 8, 8}));
}

void TestSurrogateFitter::destroyedDuringAFit()
{
    auto big = makeStudy(60);
    for (int i = 0; i < 3; ++i) {
        auto* f = new ui::SurrogateFitter;
        QSignalSpy fitted(f, &ui::SurrogateFitter::fitted);
        f->request(big->space(), big->trials());
        f->request(big->space(), big->trials());  // a waiting one too
        QVERIFY(f->busy());
        delete f;  // waits for the running fit, drops the waiting one
        QCOMPARE(fitted.size(), 0);
    }
    QCoreApplication::processEvents();  // no event for a deleted fitter crashes
}

void TestSurrogateFitter::modelProposesTheNextTrial()
{
    auto st = makeGpContourStudy("fitter-gp", 8, 3);
    ui::SurrogateFitter f;
    ui::StudyModelPtr model;
    QSignalSpy fitted(&f, &ui::SurrogateFitter::fitted);
    connect(&f, &ui::SurrogateFitter::fitted, this, [&](ui::StudyModelPtr m) { model = m; });
    f.request(st->space(), st->trials(), st->direction(), st->config().sampler);
    f.waitForIdle();
    QVERIFY(model && model->model && model->surrogate);
    QVERIFY(model->choosing);
    QCOMPARE(fitted.size(), 2);  // the model, then the same model with its proposal
    QVERIFY(!fitted.at(0).at(0).value<ui::StudyModelPtr>()->next);
    QCOMPARE(fitted.at(0).at(0).value<ui::StudyModelPtr>()->model, model->model);
    QCOMPARE(model->number, 8);
    QCOMPARE(model->model->pendingCount(), 0);
    QVERIFY2(model->next.has_value(), model->nextError.c_str());
    // What the study asks next is the proposal, value for value.
    const auto asked = st->ask();
    QCOMPARE(asked.params, *model->next);

    // With that trial running, the model reads it as pending and proposes elsewhere.
    f.request(st->space(), st->trials(), st->direction(), st->config().sampler);
    f.waitForIdle();
    QCOMPARE(model->number, 9);
    QCOMPARE(model->model->pendingCount(), 1);
    QVERIFY(model->next && *model->next != asked.params);

    // Before the GP chooses (quasi-random initial trials), and for another sampler: no proposal.
    auto early = makeGpContourStudy("fitter-gp", 3, 3);
    f.request(early->space(), early->trials(), early->direction(), early->config().sampler);
    f.waitForIdle();
    QVERIFY(model && !model->choosing && !model->next);
    auto qmc = makeStudy(10);
    f.request(qmc->space(), qmc->trials(), qmc->direction(), qmc->config().sampler);
    f.waitForIdle();
    QVERIFY(model && model->model && !model->choosing && !model->next);
}

QTEST_MAIN(TestSurrogateFitter)
#include "test_surrogate_fitter.moc"
