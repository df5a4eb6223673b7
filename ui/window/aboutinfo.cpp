#include "ui/window/aboutinfo.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace fanout {

QStringList AboutInfo::libraryVersions()
{
    // Qt as it runs (the library found at run time), and what this build was compiled against.
    QString qt = QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion()));
    if (QLatin1String(qVersion()) != QLatin1String(QT_VERSION_STR))
        qt += QStringLiteral(" (built with %1)").arg(QStringLiteral(QT_VERSION_STR));
    return {qt,
            QStringLiteral("Graphviz %1").arg(QStringLiteral(FANOUT_GRAPHVIZ_VERSION)),
            QStringLiteral("yaml-cpp %1").arg(QStringLiteral(FANOUT_YAMLCPP_VERSION)),
            QStringLiteral("nlohmann/json %1.%2.%3").arg(NLOHMANN_JSON_VERSION_MAJOR).arg(NLOHMANN_JSON_VERSION_MINOR).arg(NLOHMANN_JSON_VERSION_PATCH)};
}

QString AboutInfo::text()
{
    return QCoreApplication::translate("AboutInfo",
                                       "<h3>Fanout %1</h3>"
                                       "<p>Deploy cloud infrastructure in parallel, and see it happen.</p>"
                                       "<p>Press <b>Run</b> (F5) to provision every resource; right-click a failed one to retry it.</p>"
                                       "<p>Built on %2.</p>"
                                       "<p>Copyright © 2026 The Fanout authors. MIT License: free to use, copy, change and share, "
                                       "without warranty (the LICENSE file has the whole text).</p>")
        .arg(QStringLiteral(FANOUT_VERSION), libraryVersions().join(QStringLiteral(", ")));
}

QStringList AboutInfo::documentationCandidates()
{
    const QString prefix = QDir(QCoreApplication::applicationDirPath()).absoluteFilePath(QStringLiteral(".."));
    return {QDir::cleanPath(prefix + QStringLiteral("/share/doc/fanout/README.md")),
            QDir::cleanPath(QStringLiteral(FANOUT_SOURCE_DIR "/README.md"))};
}

QUrl AboutInfo::documentation()
{
    for (const QString &candidate : documentationCandidates()) {
        if (QFileInfo::exists(candidate))
            return QUrl::fromLocalFile(candidate);
    }
    return QUrl();
}

} // namespace fanout
