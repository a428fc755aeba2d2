#include "run/trial_table_view.h"

#include "util/number_text.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>

#include <set>

namespace tw::ui {

TrialTableView::TrialTableView(QWidget* parent)
    : QWidget(parent), _model(new TrialTableModel(this)), _proxy(new TrialFilterModel(this)),
      _table(new QTableView(this)), _filter(new QComboBox(this))
{
    _proxy->setSourceModel(_model);
    _table->setObjectName("trialTable");
    _table->setModel(_proxy);
    _table->setSortingEnabled(true);
    _table->sortByColumn(0, Qt::AscendingOrder);
    _table->setSelectionBehavior(QAbstractItemView::SelectRows);
    _table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    _table->setAlternatingRowColors(true);
    _table->verticalHeader()->hide();
    _table->verticalHeader()->setDefaultSectionSize(_table->fontMetrics().height() + 8);
    _table->horizontalHeader()->setStretchLastSection(true);
    _table->setContextMenuPolicy(Qt::CustomContextMenu);
    _table->installEventFilter(this);
    _table->setToolTip(tr("Click a row to show its learning curve; select several to overlay them. "
                          "Right-click for more; Ctrl+C copies the selected rows."));

    _filter->setObjectName("stateFilter");
    _filter->addItem(tr("All trials"), "all");
    _filter->addItem(tr("Complete"), "complete");
    _filter->addItem(tr("Pruned"), "pruned");
    _filter->addItem(tr("Failed"), "failed");
    _filter->addItem(tr("Running"), "running");
    _filter->setToolTip(tr("Show only the trials in this state"));
    connect(_filter, &QComboBox::currentIndexChanged, this, [this] {
        const QString s = _filter->currentData().toString();
        std::set<study::TrialState> states;
        if (s != "all") states.insert(study::trialStateFromString(s.toStdString()));
        _proxy->setStates(states);
    });

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Show:"), this));
    top->addWidget(_filter);
    top->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(_table, 1);

    // A reset (new columns, another study) clears the selection without a
    // selectionChanged signal: keep the selected trials across it.
    connect(_model, &QAbstractItemModel::modelAboutToBeReset, this, [this] { _keep = selectedTrials(); });
    connect(_model, &QAbstractItemModel::modelReset, this, [this] {
        _table->resizeColumnsToContents();  // fit the new columns to their headers and values
        QItemSelection selection;
        for (int number : _keep) {
            const int row = _model->rowOf(number);
            const QModelIndex i = row >= 0 ? _proxy->mapFromSource(_model->index(row, 0)) : QModelIndex();
            if (i.isValid()) selection.select(i, i);
        }
        _table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        Q_EMIT selectionChanged(selectedTrials());
    });
    // New header texts (the objective's name) and the first rows: fit again, so no name is cut.
    connect(_model, &QAbstractItemModel::headerDataChanged, this, [this] { _table->resizeColumnsToContents(); });
    // The first rows set the widths: fit again while they come and change
    // (a trial seen running, then complete), so no state or value is cut.
    constexpr int kFittedRows = 20;
    connect(_model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex&, int first) {
        if (first < kFittedRows) _table->resizeColumnsToContents();
    });
    connect(_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& topLeft) {
        if (topLeft.row() < kFittedRows) _table->resizeColumnsToContents();
    });
    connect(_table, &QWidget::customContextMenuRequested, this, &TrialTableView::showMenu);
    connect(_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QList<int> numbers = selectedTrials();
        Q_EMIT selectionChanged(numbers);
    });
    connect(_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    Q_EMIT currentTrialChanged(_proxy->data(current, TrialTableModel::kTrialRole).toInt());
            });
}

void TrialTableView::setStateFilter(const QString& state)
{
    const int i = _filter->findData(state);
    if (i >= 0) _filter->setCurrentIndex(i);
}

void TrialTableView::selectTrial(int number)
{
    const int row = _model->rowOf(number);
    if (row < 0) return;
    QModelIndex p = _proxy->mapFromSource(_model->index(row, 0));
    if (!p.isValid()) {
        setStateFilter("all");
        p = _proxy->mapFromSource(_model->index(row, 0));
    }
    _table->selectionModel()->setCurrentIndex(p, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    _table->scrollTo(p);
}

QList<int> TrialTableView::selectedTrials() const
{
    QList<int> out;
    for (const QModelIndex& i : _table->selectionModel()->selectedRows())
        out << _proxy->data(i, TrialTableModel::kTrialRole).toInt();
    std::sort(out.begin(), out.end());
    return out;
}

QString TrialTableView::selectionText() const
{
    QList<int> rows;
    for (const QModelIndex& i : _table->selectionModel()->selectedRows()) rows << i.row();
    if (rows.isEmpty())
        for (int r = 0; r < _proxy->rowCount(); ++r) rows << r;
    std::sort(rows.begin(), rows.end());
    QStringList lines, cells;
    for (int c = 0; c < _proxy->columnCount(); ++c) cells << _proxy->headerData(c, Qt::Horizontal).toString();
    lines << cells.join('\t');
    for (int r : rows) {
        cells.clear();
        for (int c = 0; c < _proxy->columnCount(); ++c) {
            const QVariant v = _proxy->index(r, c).data();
            cells << (v.typeId() == QMetaType::Double ? QString::fromStdString(shortestText(v.toDouble())) : v.toString());
        }
        lines << cells.join('\t');
    }
    return lines.join('\n') + '\n';
}

void TrialTableView::copySelection() const
{
    QApplication::clipboard()->setText(selectionText());
}

bool TrialTableView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == _table && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->matches(QKeySequence::Copy)) {
        copySelection();
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void TrialTableView::showMenu(const QPoint& pos)
{
    const QModelIndex i = _table->indexAt(pos);
    QMenu menu(this);
    if (i.isValid()) {
        const int number = _proxy->data(i, TrialTableModel::kTrialRole).toInt();
        menu.addAction(tr("Fix contour plots at trial %1").arg(number), this,
                       [this, number] { Q_EMIT fixContoursRequested(number); });
    }
    menu.addAction(tr("Copy rows"), QKeySequence::Copy, this, [this] { copySelection(); });
    menu.exec(_table->viewport()->mapToGlobal(pos));
}

} // namespace tw::ui
