#include "plots/trust_note.h"

#include <QLabel>

namespace tw::ui {

QString fewObservationsNote(int observations, int parameters)
{
    if (observations <= 0 || parameters <= 0 || observations >= 2 * parameters) return {};
    return QObject::tr("Few observations (%1 for %2 %3): read with care; the GP's surface here is mostly its prior.")
        .arg(observations)
        .arg(parameters)
        .arg(parameters == 1 ? QObject::tr("parameter") : QObject::tr("parameters"));
}

QLabel* makeTrustLabel(QWidget* parent)
{
    auto* label = new QLabel(parent);
    label->setObjectName("trustNote");
    label->setWordWrap(true);
    label->setStyleSheet("QLabel#trustNote { background: #fff3cd; color: #664d03; border: 1px solid #e0c36a; "
                         "border-radius: 3px; padding: 3px 8px; }");
    label->setToolTip(QObject::tr("With fewer than two observations per parameter the fitted lengthscales, and "
                                  "what the plots show between the trials, are weakly determined"));
    label->hide();
    return label;
}

void showTrustNote(QLabel* label, int observations, int parameters)
{
    const QString note = fewObservationsNote(observations, parameters);
    label->setText(note);
    label->setVisible(!note.isEmpty());
}

} // namespace tw::ui
