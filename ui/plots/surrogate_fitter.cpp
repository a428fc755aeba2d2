#include "plots/surrogate_fitter.h"
#include "util/printable.h"


#include <QCoreApplication>
#include <QtConcurrent>

namespace tw::ui {

SurrogateFitter::SurrogateFitter(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<StudyModelPtr>();
    connect(&_watcher, &QFutureWatcher<Result>::finished, this, &SurrogateFitter::onFinished);
}

SurrogateFitter::~SurrogateFitter()
{
    _pending.reset();
    _watcher.waitForFinished();
}

bool SurrogateFitter::busy() const
{
    return _running || _pending.has_value();
}

void SurrogateFitter::request(const space::SearchSpace& space, const std::vector<study::Trial>& trials,
                              study::Direction direction, const sampler::SamplerConfig& sampler)
{
    _pending = Request{space, trials, direction, sampler};
    if (!_running) startNext();
}

void SurrogateFitter::waitForIdle()
{
    // The watcher's finished event is posted after the future completes.
    while (busy()) {
        _watcher.waitForFinished();
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
}

void SurrogateFitter::startNext()
{
    if (!_pending) return;
    _current = std::move(*_pending);
    _pending.reset();
    _running = true;
    _watcher.setFuture(QtConcurrent::run([r = *_current] {
        Result out;
        try {
            auto m = buildStudyModel(r.space, r.direction, r.sampler, r.trials, false);
            if (m.model) out.model = std::make_shared<const StudyModel>(std::move(m));
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(tw::printable(e.what()));
        }
        return out;
    }));
}

void SurrogateFitter::onFinished()
{
    const Result r = _watcher.result();
    _running = false;
    if (r.proposal) {
        // A proposal for a model that a newer request supersedes is dropped.
        const bool stale = _pending.has_value();
        startNext();
        if (!stale) Q_EMIT fitted(r.model);
        return;
    }
    if (r.error.isEmpty() && r.model && r.model->choosing && !_pending && _current) {
        // Announce the model now; its proposal follows.
        _running = true;
        _watcher.setFuture(QtConcurrent::run([req = *_current, model = r.model] {
            Result out;
            out.proposal = true;
            out.model = std::make_shared<const StudyModel>(
                withProposal(*model, req.space, req.direction, req.sampler, req.trials));
            return out;
        }));
        Q_EMIT fitted(r.model);
        return;
    }
    // Announce it even when a newer request waits: it is newer than what is
    // shown, and a study whose trials finish faster than a fit still updates.
    startNext();
    if (!r.error.isEmpty()) Q_EMIT failed(r.error);
    else Q_EMIT fitted(r.model);
}

} // namespace tw::ui
