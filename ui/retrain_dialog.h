#pragma once
// "Retrain best on train + validation and evaluate on test": trains the best
// configuration once more on the training and validation data (off the GUI
// thread), evaluates it on the test data, shows the test metrics and saves
// the model when a path was chosen.
#include "train/study_spec.h"
#include "study/trial.h"

#include <QDialog>
#include <QFutureWatcher>

#include <atomic>
#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace tw::ui {

class RetrainDialog : public QDialog {
    Q_OBJECT
public:
    RetrainDialog(train::StudySpec spec, study::Trial best, QWidget* parent = nullptr);
    ~RetrainDialog() override;
    /// Starts training (the Train button); `modelPath` "" saves nothing.
    void start(const QString& modelPath);
    bool finished() const { return _done; }
    /// The test metrics shown, by name (empty until it ends).
    QMap<QString, double> testMetrics() const { return _metrics; }
    QString resultText() const;

    /// Close / Esc: while training, stops it and deletes the dialog when it has ended.
    void done(int result) override;

Q_SIGNALS:
    void epochFinished(int epoch, int epochs);
    void trainingFinished(bool ok);

private:
    struct Result;
    void onFinished();
    train::StudySpec _spec;
    study::Trial _best;
    std::atomic<bool> _stop{false};
    QFutureWatcher<std::shared_ptr<Result>> _watcher;
    QLineEdit* _path;
    QPushButton* _train;
    QPushButton* _browse;
    QProgressBar* _bar;
    QLabel* _status;
    QTableWidget* _table;
    QMap<QString, double> _metrics;
    bool _done = false;
};

} // namespace tw::ui
