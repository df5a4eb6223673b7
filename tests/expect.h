#pragma once

#include <QTest>

// QVERIFY for a helper that returns a value, where QVERIFY (which returns void) cannot be used:
// the failure is recorded at its place as QVERIFY records it, and the test fails, in every build
// type. Q_ASSERT is compiled out of the Release build the suite runs, so it checks nothing there.
// Gives the condition's value, for the helper to return something safe when it is false.
#define FANOUT_EXPECT(condition) QTest::qVerify(static_cast<bool>(condition), #condition, "", __FILE__, __LINE__)
