#pragma once
// The "Model and training" section: the model family and its shape, and the
// fixed training settings (ModelConfig and TrainConfig). A setting that the
// search space overrides is marked "searched" (its fixed value is unused).
#include "train/config.h"

#include <QSet>
#include <QWidget>

#include <nlohmann/json.hpp>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QSpinBox;

namespace tw::ui {

class ModelForm;
class NumberEdit;

class TrainingForm : public QWidget {
    Q_OBJECT
public:
    explicit TrainingForm(QWidget* parent = nullptr);

    void setConfig(const train::ModelConfig& model, const train::TrainConfig& training);
    /// Overwrites the "model" and "training" sections (device too) of a spec's JSON.
    void writeJson(nlohmann::json& spec) const;
    /// "" or the first field that does not parse.
    QString formError() const;
    QString family() const;
    /// Marks the settings the search space overrides.
    void setSearched(const QSet<QString>& keys);
    /// What the data are: cnn is offered for images only, the text families
    /// for a text column only, the others for anything but a text column.
    void setDataKind(bool images, bool text);
    /// Defaults for a newly chosen data set ("fashion-mnist", "csv", "imbalanced"...).
    void applyDefaultsFor(const QString& kind);
    void setDevice(const QString& device);
    QString device() const { return _device; }
    void setReadOnly(bool readOnly);

Q_SIGNALS:
    void changed();
    void familyChanged(const QString& family);

private:
    ModelForm* _model;
    QComboBox *_optimizer, *_schedule, *_loss, *_classWeights;
    QSpinBox *_batchSize, *_epochs, *_patience, *_seed;
    NumberEdit *_learningRate, *_weightDecay, *_momentum, *_beta1, *_beta2, *_epsilon, *_warmup, *_clipNorm;
    QCheckBox* _nesterov;
    QFormLayout *_modelForm, *_trainForm, *_optimizerForm;
    QString _device = QStringLiteral("auto");
    QMap<QString, QWidget*> _byKey;
    QMap<QString, QString> _labels;
    bool _loading = false;

    bool _readOnly = false;
    void updateVisibility();
    void updateApplicable();
    void edited();
};

} // namespace tw::ui
