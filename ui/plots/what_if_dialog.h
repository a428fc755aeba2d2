#pragma once
// What if: type any configuration (a spin box or a choice per parameter,
// prefilled with the best trial's values or a point picked on a contour
// plot) and read at once what the study's model predicts there: the GP mean
// ± its standard error, P(failure) and, when it chooses the next trial, the
// acquisition. "Run this configuration next" asks the window to queue it.
// Non-modal; the prediction follows every edit and every refit.
#include "plots/study_model.h"
#include "space/search_space.h"

#include <QDialog>

#include <cmath>
#include <vector>

class QAbstractSpinBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QPushButton;

namespace tw::ui {

class WhatIfDialog : public QDialog {
    Q_OBJECT
public:
    explicit WhatIfDialog(QWidget* parent = nullptr);

    /// The study's space and model (nullptr: not enough data yet). A new
    /// space rebuilds the rows (at the centre of each range); the same one
    /// keeps what was typed.
    void setModel(const space::SearchSpace& space, StudyModelPtr model, const QString& objectiveName);
    /// Shows these values (every parameter's; NaN for an inactive one keeps the row's value).
    void setValues(const std::vector<double>& values);
    /// The configuration typed, on legal values (a step or an integer
    /// rounded), inactive parameters NaN.
    std::vector<double> values() const;

    struct Prediction {
        bool valid = false;
        double mean = NAN, se = NAN;   // on the objective's scale
        double failure = NAN;          // P(a trial there fails)
        double acquisition = NAN;      // when the model chooses the next trial
    };
    /// What the model predicts at values() (valid false without a model).
    Prediction prediction() const { return _prediction; }
    /// The text of the prediction as shown.
    QString predictionText() const;

    /// Whether Run this configuration next may be pressed, and why not.
    void setRunnable(bool on, const QString& whyNot = {});
    /// Shows the outcome of a run request ("Trial 12 is queued …" or an error).
    void setRunMessage(const QString& message, bool error = false);

Q_SIGNALS:
    void runRequested(const std::vector<double>& values);

private:
    struct Row {
        QAbstractSpinBox* spin = nullptr;
        QComboBox* combo = nullptr;
        QLabel* name = nullptr;
    };
    void rebuild();
    double rowValue(size_t i) const;
    void showRow(size_t i, double value);
    void refresh();

    space::SearchSpace _space;
    StudyModelPtr _model;
    QString _objective;
    std::vector<Row> _rows;
    std::vector<double> _shown;   // the values the rows hold (every parameter)
    Prediction _prediction;
    bool _updating = false;
    bool _runnable = false;
    QString _whyNot;
    QFormLayout* _form;
    QLabel* _meanLabel;
    QLabel* _failureLabel;
    QLabel* _acquisitionLabel;
    QLabel* _note;
    QLabel* _runMessage;
    QPushButton* _runButton;
};

} // namespace tw::ui
