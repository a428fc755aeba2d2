#include "retrain_dialog.h"

#include "train/metrics.h"
#include "train/tune.h"
#include "util/number_text.h"
#include "util/printable.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace tw::ui {

struct RetrainDialog::Result {
    train::TrainResult train;
    QString error;
};

RetrainDialog::RetrainDialog(train::StudySpec spec, study::Trial best, QWidget* parent)
    : QDialog(parent), _spec(std::move(spec)), _best(std::move(best)), _path(new QLineEdit(this)),
      _train(new QPushButton(tr("Train"), this)), _browse(new QPushButton(tr("Browse…"), this)),
      _bar(new QProgressBar(this)), _status(new QLabel(this)), _table(new QTableWidget(0, 2, this))
{
    setWindowTitle(tr("Retrain the best configuration"));
    auto* intro = new QLabel(
        tr("Trial %1 is retrained on the training and validation data together, with the same settings, "
           "then evaluated once on the test data. The test data played no part in the search, so its "
           "metrics estimate how the model will do on new data.")
            .arg(_best.number),
        this);
    intro->setWordWrap(true);
    const auto values = _spec.space.valuesToJson(_best.params);
    // "name = value" pieces that wrap between them (one JSON string would not
    // wrap and long names would be cut at the dialog's edge).
    QStringList pieces;
    for (const auto& [name, v] : values.items())
        pieces << QStringLiteral("%1 = %2").arg(QString::fromStdString(name),
                                                v.is_number_float() ? QString::fromStdString(shortestText(v.get<double>()))
                                                : v.is_string()     ? QString::fromStdString(v.get<std::string>())
                                                                    : QString::fromStdString(v.dump()));
    auto* params = new QLabel(pieces.join(QStringLiteral(", ")), this);
    params->setObjectName("retrainParameters");
    params->setWordWrap(true);
    params->setTextInteractionFlags(Qt::TextSelectableByMouse);
    _path->setObjectName("modelPath");
    _path->setPlaceholderText(tr("(optional) where to save the model, e.g. best.pt"));
    _path->setToolTip(tr("The trained model is saved here (LibTorch archive plus a JSON description); "
                         "leave empty to keep only the metrics"));
    _browse->setToolTip(tr("Choose where to save the model"));
    connect(_browse, &QPushButton::clicked, this, [this] {
        const QString p = QFileDialog::getSaveFileName(this, tr("Save model"), _path->text(),
                                                       tr("LibTorch model (*.pt);;All files (*)"));
        if (!p.isEmpty()) _path->setText(p);
    });
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(_path, 1);
    pathRow->addWidget(_browse);
    _train->setObjectName("retrainButton");
    _train->setDefault(true);
    _train->setToolTip(tr("Train now (off the window's thread; Close stops it)"));
    connect(_train, &QPushButton::clicked, this, [this] { start(_path->text()); });
    _bar->setRange(0, std::max(1, _spec.training.epochs));
    _bar->setValue(0);
    _table->setHorizontalHeaderLabels({tr("Test metric"), tr("Value")});
    _table->horizontalHeader()->setStretchLastSection(true);
    _table->verticalHeader()->hide();
    _table->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto* form = new QFormLayout;
    form->addRow(tr("Parameters:"), params);
    form->addRow(tr("Save model to:"), pathRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(_train, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* l = new QVBoxLayout(this);
    l->addWidget(intro);
    l->addLayout(form);
    l->addWidget(_bar);
    l->addWidget(_status);
    l->addWidget(_table, 1);
    l->addWidget(buttons);
    resize(560, 480);

    connect(this, &RetrainDialog::epochFinished, _bar, [this](int epoch, int) { _bar->setValue(epoch); },
            Qt::QueuedConnection);
    connect(&_watcher, &QFutureWatcher<std::shared_ptr<Result>>::finished, this, &RetrainDialog::onFinished);
}

RetrainDialog::~RetrainDialog()
{
    _stop = true;
    _watcher.waitForFinished();  // only when the window itself goes away mid-training
}

void RetrainDialog::done(int result)
{
    if (_watcher.isRunning()) {
        // Close during training: stop it and go away once it has ended,
        // without blocking the window while the data loads or the model saves.
        _stop = true;
        hide();
        setAttribute(Qt::WA_DeleteOnClose, false);
        connect(&_watcher, &QFutureWatcher<std::shared_ptr<Result>>::finished, this, &QObject::deleteLater);
        setResult(result);
        return;
    }
    QDialog::done(result);
}

void RetrainDialog::start(const QString& modelPath)
{
    if (_watcher.isRunning()) return;
    _path->setText(modelPath);
    _done = false;
    _stop = false;
    _train->setEnabled(false);
    _browse->setEnabled(false);
    _status->setText(tr("Training on train + validation…"));
    const nlohmann::json params = _spec.space.valuesToJson(_best.params);
    train::ModelConfig m = _spec.model;
    train::TrainConfig t = _spec.training;
    data::PreprocessOptions p = _spec.preprocessing;
    try {
        _spec.configure(_best.params, m, t, p);
    } catch (const std::exception& e) {
        _status->setText(tr("Failed: %1").arg(QString::fromStdString(tw::printable(e.what()))));
        _train->setEnabled(true);
        _browse->setEnabled(true);
        _done = true;
        Q_EMIT trainingFinished(false);
        return;
    }
    const int epochs = t.epochs;
    _bar->setRange(0, std::max(1, epochs));
    const std::string save = modelPath.toStdString();
    _watcher.setFuture(QtConcurrent::run([this, params, save, epochs] {
        auto r = std::make_shared<Result>();
        try {
            train::DataSource data(_spec);
            r->train = train::trainOnce(_spec, data, params, true, _spec.training.device, save, &_stop,
                                        [this, epochs](const train::EpochReport& e) {
                                            Q_EMIT epochFinished(e.epoch, epochs);
                                        });
        } catch (const train::NoTestDataError&) {
            // The spec's own wording names `--final` and 'test_csv'; here the controls are the window's.
            r->error = tr("there is no test data. Set a test share or choose a test CSV in Setup > Data, "
                          "then retrain.");
        } catch (const std::exception& e) {
            r->error = QString::fromStdString(tw::printable(e.what()));
        }
        return r;
    }));
}

void RetrainDialog::onFinished()
{
    const auto r = _watcher.result();
    _done = true;
    _train->setEnabled(true);
    _browse->setEnabled(true);
    _metrics.clear();
    _table->setRowCount(0);
    const bool ok = r->error.isEmpty() && r->train.status != train::TrainResult::Status::Failed &&
                    r->train.status != train::TrainResult::Status::Stopped;
    if (!r->error.isEmpty()) {
        _status->setText(tr("Failed: %1").arg(r->error));
    } else if (!ok) {
        _status->setText(tr("Training %1: %2")
                             .arg(QString::fromStdString(train::toString(r->train.status)),
                                  QString::fromStdString(r->train.reason)));
    } else {
        _bar->setValue(_bar->maximum());
        const nlohmann::json metrics = r->train.best.toJson();
        for (const auto& [k, v] : metrics.items()) {
            if (!v.is_number()) continue;
            _metrics.insert(QString::fromStdString(k), v.get<double>());
            const int row = _table->rowCount();
            _table->insertRow(row);
            // Measured on the test data: the loss is the test loss here.
            auto* name = new QTableWidgetItem(
                k == "loss" ? tr("test loss")
                            : QString::fromStdString(train::Metrics::label(k, _spec.objective.positiveClass)));
            name->setToolTip(QString::fromStdString(k));
            _table->setItem(row, 0, name);
            _table->setItem(row, 1, new QTableWidgetItem(QString::number(v.get<double>(), 'g', 6)));
        }
        _table->resizeColumnToContents(0);
        QString s = tr("Done in %1 s on %2: %3 epochs.")
                        .arg(r->train.seconds, 0, 'f', 1)
                        .arg(QString::fromStdString(r->train.device))
                        .arg(r->train.epochs.size());
        if (!_path->text().isEmpty()) s += ' ' + tr("Model saved to %1.").arg(_path->text());
        _status->setText(s);
    }
    _status->setWordWrap(true);
    Q_EMIT trainingFinished(ok);
}

QString RetrainDialog::resultText() const
{
    return _status->text();
}

} // namespace tw::ui
