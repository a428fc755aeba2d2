#include "setup/data_preview_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include <algorithm>

namespace tw::ui {

namespace {

/// A text cell on one line, cut after 120 characters (the tooltip shows it whole).
QString oneLine(QString text)
{
    text = text.simplified();
    return text.size() > 120 ? text.left(119) + QChar(0x2026) : text;
}

} // namespace

DataPreviewModel::DataPreviewModel(QObject* parent) : QAbstractTableModel(parent) {}

void DataPreviewModel::setTable(std::shared_ptr<const data::Table> table)
{
    beginResetModel();
    _table = std::move(table);
    _dataset.reset();
    _target = -1;
    endResetModel();
}

void DataPreviewModel::setDataset(std::shared_ptr<const data::Dataset> dataset)
{
    beginResetModel();
    _dataset = std::move(dataset);
    _table.reset();
    _target = -1;
    endResetModel();
}

void DataPreviewModel::clear()
{
    beginResetModel();
    _table.reset();
    _dataset.reset();
    _target = -1;
    endResetModel();
}

void DataPreviewModel::setTarget(const QString& column)
{
    const int t = _table ? _table->columnIndex(column.toStdString()) : -1;
    if (t == _target) return;
    _target = t;
    if (columnCount() > 0) {
        Q_EMIT headerDataChanged(Qt::Horizontal, 0, columnCount() - 1);
        if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    }
}

bool DataPreviewModel::images() const { return _dataset && _dataset->sampleShape.size() == 3; }

int DataPreviewModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid()) return 0;
    if (_table) return int(_table->rows());
    if (_dataset) return int(_dataset->size());
    return 0;
}

int DataPreviewModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid()) return 0;
    if (_table) return int(_table->columns.size());
    if (_dataset) return images() ? 2 : int(_dataset->sampleSize()) + 1;
    return 0;
}

QVariant DataPreviewModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid()) return {};
    const size_t r = size_t(index.row()), c = size_t(index.column());
    if (_table) {
        const data::Column& col = _table->columns[c];
        const bool missing = col.missing[r] != 0;
        switch (role) {
        case Qt::DisplayRole:
            if (missing) return QStringLiteral("NA");
            if (col.type == data::ColumnType::Text) return oneLine(QString::fromStdString(col.text[r]));
            return QString::fromStdString(col.text[r]);
        case Qt::ForegroundRole: return missing ? QVariant(QBrush(QColor(180, 60, 60))) : QVariant();
        case Qt::FontRole:
            if (missing) {
                QFont f;
                f.setItalic(true);
                return f;
            }
            return {};
        case Qt::BackgroundRole: return int(c) == _target ? QVariant(QBrush(QColor(232, 240, 254))) : QVariant();
        case Qt::TextAlignmentRole:
            return col.type == data::ColumnType::Numeric ? int(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
        case Qt::ToolTipRole:
            if (missing) return tr("Missing value (%1)").arg(QString::fromStdString(_table->where(int64_t(r))));
            return col.type == data::ColumnType::Text ? QVariant(QString::fromStdString(col.text[r])) : QVariant();
        }
        return {};
    }
    if (!_dataset) return {};
    const data::Dataset& d = *_dataset;
    const bool labelColumn = images() ? c == 0 : c == size_t(d.sampleSize());
    if (role == Qt::TextAlignmentRole && !labelColumn) return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole) return {};
    if (labelColumn) {
        if (!d.isClassification()) return double(d.targets[r]);
        const int64_t label = d.labels[r];
        const QString name = QString::fromStdString(d.classNames[size_t(label)]);
        return name == QString::number(label) ? name : QStringLiteral("%1 (%2)").arg(name).arg(label);
    }
    const int64_t n = d.sampleSize();
    const float* x = d.features.data() + int64_t(r) * n;
    if (images()) {
        double sum = 0;
        int64_t ink = 0;
        for (int64_t i = 0; i < n; ++i) {
            sum += x[i];
            ink += x[i] > 0.5f;
        }
        return tr("%1×%2, mean %3, %4% ink")
            .arg(d.sampleShape[1]).arg(d.sampleShape[2]).arg(sum / double(n), 0, 'f', 3).arg(100.0 * double(ink) / double(n), 0, 'f', 1);
    }
    return QString::number(double(x[c]), 'g', 5);
}

QVariant DataPreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Vertical) {
        if (role == Qt::DisplayRole) return _table ? QVariant(qlonglong(_table->lines[size_t(section)])) : QVariant(section + 1);
        if (role == Qt::ToolTipRole && _table) return tr("Line %1 of the file").arg(_table->lines[size_t(section)]);
        return {};
    }
    if (_table) {
        if (section < 0 || size_t(section) >= _table->columns.size()) return {};
        const data::Column& col = _table->columns[size_t(section)];
        const QString name = QString::fromStdString(col.name);
        const QString type = QString::fromStdString(data::toString(col.type));
        const int64_t missing = col.missingCount();
        switch (role) {
        case Qt::DisplayRole:
            return missing > 0 ? tr("%1\n%2 · %3 missing").arg(name, type).arg(missing) : QStringLiteral("%1\n%2").arg(name, type);
        case Qt::ToolTipRole:
            return tr("%1: %2 column, %3 missing of %4 rows%5%6")
                .arg(name, type).arg(missing).arg(_table->rows())
                .arg(section == _target ? tr(" (the target)") : QString())
                .arg(col.type == data::ColumnType::Text
                         ? tr("; free text, tokenized into word ids for the text models (text_bag, text_cnn, text_transformer)")
                         : QString());
        case Qt::FontRole:
            if (section == _target) {
                QFont f;
                f.setBold(true);
                return f;
            }
            return {};
        }
        return {};
    }
    if (!_dataset || role != Qt::DisplayRole) {
        if (_dataset && role == Qt::ToolTipRole)
            return images() && section == 1 ? tr("Image size, mean pixel (0…1) and share of pixels above 0.5")
                                            : QVariant();
        return {};
    }
    const data::Dataset& d = *_dataset;
    if (images()) return section == 0 ? tr("class\ncategorical") : tr("image\n%1 pixels").arg(d.sampleSize());
    if (section == int(d.sampleSize())) return d.isClassification() ? tr("class\ncategorical") : tr("target\nnumeric");
    const QString name = size_t(section) < d.featureNames.size() ? QString::fromStdString(d.featureNames[size_t(section)])
                                                                 : QStringLiteral("x%1").arg(section + 1);
    return tr("%1\nnumeric").arg(name);
}

} // namespace tw::ui
