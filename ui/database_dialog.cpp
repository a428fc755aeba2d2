#include "database_dialog.h"

#include "study/storage_backend.h"
#include "util/printable.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace tw::ui {

DatabaseStudyDialog::DatabaseStudyDialog(const QString& url, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Open a database study"));
    auto* layout = new QVBoxLayout(this);
    auto* urlRow = new QHBoxLayout;
    _url = new QLineEdit(url, this);
    _url->setObjectName("databaseUrl");
    _url->setPlaceholderText(QStringLiteral("postgresql://USER@HOST:5432/DATABASE"));
    _url->setToolTip(tr("The database the workers share. A password goes in ~/.pgpass (or PGPASSFILE, "
                        "PGPASSWORD), never in the URL."));
    _list = new QPushButton(tr("&List studies"), this);
    _list->setObjectName("listStudies");
    urlRow->addWidget(new QLabel(tr("Storage URL:"), this));
    urlRow->addWidget(_url, 1);
    urlRow->addWidget(_list);
    layout->addLayout(urlRow);

    _table = new QTableWidget(0, 5, this);
    _table->setObjectName("databaseStudies");
    _table->setHorizontalHeaderLabels({tr("Study"), tr("Trials"), tr("Running"), tr("Best"), tr("Last activity")});
    _table->setSelectionBehavior(QAbstractItemView::SelectRows);
    _table->setSelectionMode(QAbstractItemView::SingleSelection);
    _table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    _table->verticalHeader()->hide();
    _table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    _table->setMinimumSize(560, 220);
    layout->addWidget(_table, 1);
    _status = new QLabel(this);
    _status->setWordWrap(true);
    _status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(_status);
    _buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    layout->addWidget(_buttons);

    connect(_list, &QPushButton::clicked, this, &DatabaseStudyDialog::listStudies);
    connect(_url, &QLineEdit::returnPressed, this, &DatabaseStudyDialog::listStudies);
    connect(_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(_table, &QTableWidget::itemSelectionChanged, this, &DatabaseStudyDialog::updateButtons);
    connect(_table, &QTableWidget::cellDoubleClicked, this, [this] {
        if (!studyName().isEmpty()) accept();
    });
    connect(&_watcher, &QFutureWatcher<Listing>::finished, this, &DatabaseStudyDialog::onListed);
    updateButtons();
    if (!url.isEmpty()) listStudies();
}

DatabaseStudyDialog::~DatabaseStudyDialog()
{
    _watcher.waitForFinished();
}

QString DatabaseStudyDialog::url() const
{
    return _url->text().trimmed();
}

QString DatabaseStudyDialog::studyName() const
{
    const auto rows = _table->selectionModel()->selectedRows();
    if (rows.isEmpty()) return {};
    return _table->item(rows.first().row(), 0)->text();
}

void DatabaseStudyDialog::listStudies()
{
    if (_watcher.isRunning()) return;
    const std::string url = this->url().toStdString();
    _list->setEnabled(false);
    _status->setText(tr("Reading the studies of %1…").arg(QString::fromStdString(study::redactUrl(url))));
    _watcher.setFuture(QtConcurrent::run([url] {
        Listing out;
        try {
            if (!study::looksLikeUrl(url))
                throw std::invalid_argument("'" + url + "' is not a storage URL: expected postgresql://USER@HOST:PORT/DB");
            auto backend = study::connectBackend(url);
            for (const study::StoredStudy& s : backend->list()) {
                const study::StudySummary sum = study::summarize(*backend, s);
                Row r;
                r.name = QString::fromStdString(s.name);
                r.trials = sum.trials;
                r.complete = sum.complete;
                r.running = sum.running;
                r.direction = QString::fromStdString(sum.direction);
                r.hasBest = sum.best.has_value();
                r.best = sum.best.value_or(0);
                r.updatedAt = s.updatedAt;
                r.error = QString::fromStdString(sum.error);
                out.rows.push_back(r);
            }
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(printable(e.what()));
        }
        return out;
    }));
}

void DatabaseStudyDialog::onListed()
{
    const Listing l = _watcher.result();
    _list->setEnabled(true);
    _error = l.error;
    _table->setRowCount(0);
    if (!l.error.isEmpty()) {
        _status->setText(l.error);
        updateButtons();
        Q_EMIT listed(-1);
        return;
    }
    _table->setRowCount(int(l.rows.size()));
    for (int i = 0; i < int(l.rows.size()); ++i) {
        const Row& r = l.rows[size_t(i)];
        auto* name = new QTableWidgetItem(r.name);
        if (!r.error.isEmpty()) name->setToolTip(r.error);
        _table->setItem(i, 0, name);
        auto number = [](double v) {
            auto* item = new QTableWidgetItem;
            item->setData(Qt::DisplayRole, v);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            return item;
        };
        _table->setItem(i, 1, number(r.trials));
        _table->setItem(i, 2, number(r.running));
        auto* best = r.hasBest ? number(r.best) : new QTableWidgetItem(r.error.isEmpty() ? QString() : tr("(unreadable)"));
        if (r.hasBest) best->setToolTip(tr("best of %1 complete trials (%2)").arg(r.complete).arg(r.direction));
        _table->setItem(i, 3, best);
        _table->setItem(i, 4, new QTableWidgetItem(QDateTime::fromMSecsSinceEpoch(qint64(r.updatedAt * 1000))
                                                       .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
    }
    _table->resizeColumnsToContents();
    _status->setText(l.rows.empty() ? tr("No study in this database yet: tw worker --spec or tw create makes one.")
                    : l.rows.size() == 1 ? tr("1 study; pick it to open.")
                                         : tr("%1 studies; pick one to open.").arg(l.rows.size()));
    if (!l.rows.empty()) _table->selectRow(0);
    updateButtons();
    Q_EMIT listed(int(l.rows.size()));
}

void DatabaseStudyDialog::updateButtons()
{
    _buttons->button(QDialogButtonBox::Open)->setEnabled(!studyName().isEmpty());
}

} // namespace tw::ui
