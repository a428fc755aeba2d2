#pragma once
// The result page's own plots, painted with QPainter so that the page and
// its export draw the same thing: the confusion matrix and the decision
// regions of a model of two features.
#include "data/dataset.h"
#include "train/model_report.h"

#include <QRectF>

class QPainter;

namespace tw::ui {

/// Rows are the true classes, columns the predicted ones; each cell is
/// coloured by its share of its row (the recall of the class on the
/// diagonal) and labelled with its count.
void paintConfusionMatrix(QPainter& p, const QRectF& area, const train::ModelReport& report, bool dark);

/// The regions (a colour per class, lighter where the model is less sure)
/// with the data points on top, coloured by their true class.
void paintDecisionRegions(QPainter& p, const QRectF& area, const train::DecisionRegions& regions,
                          const data::Dataset& points, bool dark);

} // namespace tw::ui
