#pragma once

// What the dashboard's widget tests share.

#include "engine/plan/plan.h"

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

namespace fanout {

// Settings (window layout, recent files) go to a test location of their own, never the user's,
// and start empty; so does the run history (one per test process: tests run side by side, and
// builds of other versions of Fanout may share the machine). Call from initTestCase().
inline void useTestSettings(const char *testName)
{
    QStandardPaths::setTestModeEnabled(true);
    static QTemporaryDir historyFolder;
    qputenv("FANOUT_HISTORY", historyFolder.filePath(QStringLiteral("history.sqlite")).toLocal8Bit());
    QCoreApplication::setOrganizationName(QStringLiteral("FanoutTests"));
    QCoreApplication::setApplicationName(QString::fromLatin1(testName));
    QSettings().clear();
}

// The plan's resource ids, in plan order.
inline QStringList resourceIds(const Plan &plan)
{
    QStringList ids;
    for (const Resource &resource : plan.resources)
        ids.append(resource.id);
    return ids;
}

} // namespace fanout

// JSON values compared (each evaluated once), shown as JSON when they differ.
// Verifies that a call returning an Expected succeeded, and says why not when it did not.
#define QVERIFY_EXPECTED(expression)                                                               \
    do {                                                                                           \
        const auto result_ = (expression);                                                         \
        QVERIFY2(result_.hasValue(), qPrintable(result_.error()));                                 \
    } while (false)

#define COMPARE_JSON(actual, expected) \
    do { \
        const nlohmann::ordered_json actualValue_ = (actual); \
        const nlohmann::ordered_json expectedValue_ = (expected); \
        QVERIFY2(actualValue_ == expectedValue_, \
                 qPrintable(QStringLiteral("%1 != %2").arg(QString::fromStdString(actualValue_.dump()), QString::fromStdString(expectedValue_.dump())))); \
    } while (false)
