// The contour view's exports: the current plot as PNG/SVG/PDF, every pair
// into a folder, the current grid as CSV (see contour_view.h).
#include "plots/contour_view.h"

#include "analysis/grid.h"
#include "space/search_space.h"
#include "util/printable.h"

#include <QDir>
#include <QSet>
#include <QFileInfo>

namespace tw::ui {

bool ContourView::exportImage(const QString& path, QString* error) const
{
    const QString reason = emptyReason();
    if (!reason.isEmpty()) {
        if (error) *error = tr("Nothing to export: %1").arg(reason);
        return false;
    }
    ContourRenderer r(plotData(grid(_x, _y, _resolution)));
    return r.save(path, error);
}

bool ContourView::exportAllPairs(const QString& folder, const QString& format, QString* error) const
{
    const QString reason = emptyReason();
    if (!reason.isEmpty()) {
        if (error) *error = tr("Nothing to export: %1").arg(reason);
        return false;
    }
    // A new folder name is created (the export dialog accepts one).
    if (QFileInfo(folder).exists() && !QFileInfo(folder).isDir()) {
        if (error) *error = tr("%1: is a file, not a folder").arg(folder);
        return false;
    }
    if (!QDir(folder).exists() && !QDir().mkpath(folder)) {
        if (error) *error = tr("%1: the folder cannot be created").arg(folder);
        return false;
    }
    // File names come from the parameters' names, which come from a shared
    // study: each is reduced to a plain file name (no separators, no "..")
    // so that every file lands inside `folder`, and made unique.
    QSet<QString> used;
    for (const auto& [x, y] : pairs()) {
        const std::string base = safeFileName(space::nameOf(_space[size_t(x)])) + "_vs_" +
                                 safeFileName(space::nameOf(_space[size_t(y)]));
        QString name = QString::fromStdString(base);
        for (int k = 2; used.contains(name); ++k) name = QString::fromStdString(base) + '_' + QString::number(k);
        used.insert(name);
        ContourRenderer r(plotData(grid(x, y, _resolution)));
        if (!r.save(QDir(folder).filePath(name + '.' + format.toLower()), error)) return false;
    }
    return true;
}

bool ContourView::exportGridCsv(const QString& path, QString* error) const
{
    const QString reason = emptyReason();
    if (!reason.isEmpty()) {
        if (error) *error = tr("Nothing to export: %1").arg(reason);
        return false;
    }
    try {
        analysis::writeContourCsv(grid(_x, _y, _resolution), path.toStdString(), _studyName.toStdString());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(tw::printable(e.what()));
        return false;
    }
    return true;
}

} // namespace tw::ui
