#pragma once
// The "Optimization" section: the study's name, budget, sampler and
// acquisition, objective metric and direction, pruner and device.
#include "train/study_spec.h"

#include <QWidget>

#include <nlohmann/json.hpp>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLineEdit;
class QSpinBox;

namespace tw::ui {

class NumberEdit;

class OptimizationForm : public QWidget {
    Q_OBJECT
public:
    explicit OptimizationForm(QWidget* parent = nullptr);

    void setSpec(const train::StudySpec& spec);
    /// Overwrites "name", "objective", "sampler", "pruner" and "budget" of a spec's JSON.
    void writeJson(nlohmann::json& spec) const;
    QString formError() const;
    QString device() const;
    /// The objective metric's name ("f1_macro") and what people read ("F1 (macro)").
    QString metric() const;
    QString objectiveLabel() const;
    /// The classes of the data: the positive-class choices.
    void setClassNames(const QStringList& names);
    /// Defaults for a newly chosen data set (imbalanced: F1 of class 1).
    void applyDefaultsFor(const QString& kind);
    /// The data set's name ("quotes" for quotes.csv, "spirals"): the study's
    /// name follows it while the name is empty or the previous data's.
    void setDataName(const QString& dataName);
    /// The name of a spec's data set: its CSV's file name without the
    /// extension, or the built-in set's name.
    static QString dataNameOf(const nlohmann::json& dataset);
    void setReadOnly(bool readOnly);

Q_SIGNALS:
    void changed();
    void deviceChanged(const QString& device);

private:
    QLineEdit* _name;
    QSpinBox *_trials, *_keepModels, *_initial, *_samplerSeed, *_warmupEpochs, *_minTrials;
    NumberEdit *_timeLimit, *_ucbBeta;
    QComboBox *_sampler, *_acquisition, *_kernel, *_metric, *_direction, *_positiveClass, *_device;
    QCheckBox* _pruner;
    QFormLayout* _samplerForm;
    QString _dataName; // the name the study's name follows
    bool _loading = false;

    void updateEnabled();
    void updateMetricLabels();
    void edited();
};

} // namespace tw::ui
