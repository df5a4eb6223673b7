#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

namespace fanout {

// What the Help menu shows: the About box's text (Fanout's version, those of the libraries it runs
// on, the licence) and where the documentation is.
namespace AboutInfo {

// "Qt 6.4.2", "Graphviz 2.43.0", "yaml-cpp 0.7.0", "nlohmann/json 3.11.2".
QStringList libraryVersions();
QString text(); // rich text for QMessageBox::about

// The documentation to open: the installed README (PREFIX/share/doc/fanout, beside the binary's
// PREFIX/bin), else the source tree's of this build; empty when neither is there.
QUrl documentation();
// Where documentation() looks, in order.
QStringList documentationCandidates();

} // namespace AboutInfo

} // namespace fanout
