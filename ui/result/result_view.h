#pragma once
// The result page: a kept model of the study (the best trial's, or one the
// user picks) looked at on the validation or test data, as the notebooks do
// after tuning: the confusion matrix and per-class precision / recall / F1
// (classification_report), the ROC and precision-recall curves of a binary
// task, the decision regions of a model of two features, predicted against
// true values for regression. The evaluation (train::evaluateTrial) runs on a
// worker thread; evaluated() tells when a result is shown.
#include "run/study_worker.h"
#include "train/study_spec.h"
#include "train/trial_evaluation.h"

#include <QFutureWatcher>
#include <QWidget>

#include <memory>
#include <optional>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace tw::ui {

class PaintedPlot;

class ResultView : public QWidget {
    Q_OBJECT
public:
    explicit ResultView(QWidget* parent = nullptr);
    ~ResultView() override;

    /// The open study: its spec (the data to evaluate on; `runnable` false
    /// when the study has no spec of its own), the folder of its kept models
    /// and its trials. Re-evaluates only when what is shown changed (the
    /// model shown was dropped, the best trial changed while showing the best).
    void setStudy(const train::StudySpec& spec, bool runnable, const QString& modelsFolder, TrialList trials);
    /// Shows trial `number` (a selection in the trial table); -1: the best.
    void showTrial(int number);
    void setEvaluationData(train::EvaluationData on);

    /// The trial shown (-1: none), the data, and the last result.
    int currentTrial() const { return _shown; }
    train::EvaluationData evaluationData() const { return _on; }
    const std::optional<train::TrialEvaluation>& evaluation() const { return _result; }
    bool isEvaluating() const { return _busy; }
    /// Why nothing is drawn ("" when a result is shown).
    QString emptyReason() const { return _emptyReason; }
    /// The numbers offered in the trial picker (kept models, best first).
    QList<int> offeredTrials() const;

    /// Copies the model shown (its file and its model card, PATH.json) to
    /// `path`; false with `*error` naming the file when it cannot.
    bool exportModel(const QString& path, QString* error = nullptr) const;

    /// The page (plots, table and caption) as .png (2x), .svg or .pdf; false
    /// with `*error` set on failure or while nothing is shown.
    bool exportImage(const QString& path, QString* error = nullptr) const;

    void setDark(bool dark);

Q_SIGNALS:
    /// A result (or the reason there is none) is on screen.
    void evaluated();

private:
    struct Source;
    void rebuildPicker();
    void requestEvaluation();
    void onFinished();
    void showEmpty(const QString& why);
    void showResult();
    int wantedTrial() const;

    QComboBox* _trialBox = nullptr;
    QComboBox* _dataBox = nullptr;
    QLabel* _summary = nullptr;
    QPushButton* _exportModel = nullptr;
    QStackedWidget* _stack = nullptr;
    QLabel* _emptyLabel = nullptr;
    QWidget* _page = nullptr;
    PaintedPlot* _confusion = nullptr;
    QTableWidget* _table = nullptr;
    QChart* _roc = nullptr;
    QChart* _pr = nullptr;
    QChart* _scatter = nullptr;
    QChartView* _rocView = nullptr;
    QChartView* _prView = nullptr;
    QChartView* _scatterView = nullptr;
    PaintedPlot* _regions = nullptr;

    std::shared_ptr<Source> _source;
    nlohmann::json _specJson;
    bool _runnable = false;
    QString _folder;
    TrialList _trials;
    int _requested = -1;   // the user's pick (-1: follow the best)
    int _shown = -1;       // the trial of _result
    int _pendingTrial = -2; // an evaluation to start when the running one ends (-2: none)
    train::EvaluationData _on = train::EvaluationData::Validation;
    std::optional<train::TrialEvaluation> _result;
    QString _emptyReason;
    bool _dark = false;
    bool _updatingPicker = false;
    bool _busy = false; // a job is queued or running (the future reports running only once it starts)

    struct Outcome {
        int trial = -1;
        train::EvaluationData on = train::EvaluationData::Validation;
        std::optional<train::TrialEvaluation> result;
        QString error;
    };
    QFutureWatcher<Outcome> _watcher;
};

} // namespace tw::ui
