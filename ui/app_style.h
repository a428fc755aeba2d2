#pragma once
// The window's look: Qt's Fusion style with a light or a dark palette whose
// text, links, disabled text and selection all keep readable contrast.
class QApplication;

namespace tw::ui {

void applyTheme(QApplication& app, bool dark);

} // namespace tw::ui
