#pragma once
// The note the model's views show while the GP has few observations to go
// on: fewer than 2 per parameter, where a fitted surface says more about
// the prior than about the objective.
#include <QString>

class QLabel;
class QWidget;

namespace tw::ui {

/// "Few observations (5 for 4 parameters): read with care …", or "" with
/// at least 2 per parameter (or none at all: the views say so themselves).
QString fewObservationsNote(int observations, int parameters);

/// A label for that note (object name "trustNote"), hidden while the note is empty.
QLabel* makeTrustLabel(QWidget* parent);
/// Sets the label's text and shows it, or hides it when the note is "".
void showTrustNote(QLabel* label, int observations, int parameters);

} // namespace tw::ui
