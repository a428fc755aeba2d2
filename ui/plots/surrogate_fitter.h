#pragma once
// Fits a study's GP surrogate off the GUI thread. Requests coalesce: while a
// fit runs, only the newest request waits (older waiting ones are dropped);
// each finished fit is announced, then the waiting request starts.
#include "gp/surrogate.h"
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

    /// Fits the model the study's GP sampler chooses with (sampler::studySurrogate).
    void request(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                 study::Direction direction = study::Direction::Minimize, const sampler::SamplerConfig& sampler = {});
    bool busy() const;
    /// Blocks until no fit runs or waits (tests, benchmarks).
    void waitForIdle();

Q_SIGNALS:
    /// The surrogate of the newest request; nullptr when the study has fewer
    /// than 2 complete trials (failed() is not emitted then).
    void fitted(std::shared_ptr<const gp::Surrogate> surrogate);
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
        std::shared_ptr<const gp::Surrogate> surrogate;
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

Q_DECLARE_METATYPE(std::shared_ptr<const tw::gp::Surrogate>)
