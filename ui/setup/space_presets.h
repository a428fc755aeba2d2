#pragma once
// Ready-made search parameters for a model family: the ranges the seed
// notebooks search (learning rate on a log scale, layers, units, activation,
// optimizer, dropout, batch size, weight decay, class weights...). Every
// preset's name is a setting key, so it is valid in any spec.
#include "space/search_space.h"

#include <QString>
#include <QVector>

namespace tw::ui {

struct SpacePreset {
    QString id;      // "learning_rate", or "space:mlp" for a whole space
    QString title;   // menu text
    QString tooltip; // what it searches and why
    std::vector<space::Param> params;
};

/// The presets that suit `family` (a network's, a text family's from its
/// schema, or a classic family's from its schema); whole spaces first.
/// `imbalanced` adds the class-weight presets first among the parameters.
QVector<SpacePreset> spacePresets(const QString& family, bool imbalanced = false);
/// The preset with this id, or one with no parameters.
SpacePreset spacePreset(const QString& family, const QString& id);

} // namespace tw::ui
