#pragma once
// A read-only table over the loaded data, with no copy: a CSV Table (cells
// as read, missing ones marked; each column's detected type and missing
// count in its header and tooltip), or a built-in Dataset (its features and
// class; images as a one-line pixel summary instead of 784 columns).
#include "data/csv.h"
#include "data/dataset.h"

#include <QAbstractTableModel>

#include <memory>

namespace tw::ui {

class DataPreviewModel : public QAbstractTableModel {
    Q_OBJECT
public:
    explicit DataPreviewModel(QObject* parent = nullptr);

    void setTable(std::shared_ptr<const data::Table> table);
    void setDataset(std::shared_ptr<const data::Dataset> dataset);
    void clear();
    /// The CSV column shown as the target (bold header, tinted cells).
    void setTarget(const QString& column);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const data::Table* table() const { return _table.get(); }
    const data::Dataset* dataset() const { return _dataset.get(); }

private:
    std::shared_ptr<const data::Table> _table;
    std::shared_ptr<const data::Dataset> _dataset;
    int _target = -1;
    bool images() const;
};

} // namespace tw::ui
