#pragma once
// Fits a study's model off the GUI thread: the GP sampler's
// AcquisitionModel (posterior, acquisition, feasibility), announced as an
// immutable StudyModel snapshot, and then, past the initial trials of a GP
// study, the same model with the sampler's next suggestion, announced again
// (one thread at a time: a fit never competes with its own proposal for the
// cores the window needs). Requests coalesce: while a fit runs, only the
// newest request waits (older waiting ones are dropped); each finished fit
// is announced, then the waiting request starts, ahead of a stale proposal.
// No lock is shared with the window: the request and the result are copies.
#include "plots/study_model.h"
#include "sampler/sampler_config.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

namespace tw::ui {

class SurrogateFitter : public QObject {
    Q_OBJECT
public:
    explicit SurrogateFitter(QObject* parent = nullptr);
    ~SurrogateFitter() override;   // waits for a running fit

    /// Fits the model the study's GP sampler chooses with (buildStudyModel).
    void request(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                 study::Direction direction = study::Direction::Minimize, const sampler::SamplerConfig& sampler = {});
    bool busy() const;
    /// Blocks until no fit runs or waits (tests, benchmarks).
    void waitForIdle();

Q_SIGNALS:
    /// The model of the newest request; nullptr when the study has fewer
    /// than 2 observations (failed() is not emitted then). When the GP
    /// chooses, the same model follows with its proposal (next) unless a
    /// newer request came first.
    void fitted(tw::ui::StudyModelPtr model);
    /// The fit threw (the message names the rule broken).
    void failed(const QString& reason);

private:
    struct Request {
        space::SearchSpace space;
        std::vector<study::Trial> trials;
        study::Direction direction;
        sampler::SamplerConfig sampler;
    };
    struct Result {
        StudyModelPtr model;
        QString error;
        bool proposal = false;  // the second stage: the model with its proposal
    };
    void startNext();
    void onFinished();

    QFutureWatcher<Result> _watcher;
    std::optional<Request> _pending;
    std::optional<Request> _current;  // of the fit running or just finished (its proposal's)
    // True from the start of a fit until its finished() was handled. Not the
    // watcher's isRunning(): between a fit's end and the delivery of its
    // finished event, setFuture() would discard that event.
    bool _running = false;
};

} // namespace tw::ui
