#pragma once
// Fits a study's model off the GUI thread: the GP sampler's
// AcquisitionModel (posterior, acquisition, feasibility) and, past the
// initial trials of a GP study, the sampler's next suggestion, announced as
// one immutable StudyModel snapshot. Requests coalesce: while a fit runs,
// only the newest request waits (older waiting ones are dropped); each
// finished fit is announced, then the waiting request starts. No lock is
// shared with the window: the request and the result are copies.
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
    /// than 2 observations (failed() is not emitted then).
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
    };
    void startNext();
    void onFinished();

    QFutureWatcher<Result> _watcher;
    std::optional<Request> _pending;
    // True from the start of a fit until its finished() was handled. Not the
    // watcher's isRunning(): between a fit's end and the delivery of its
    // finished event, setFuture() would discard that event.
    bool _running = false;
};

} // namespace tw::ui
