#pragma once

#include "engine/support/handover.h" // FANOUT_TSAN

#include <QTest>

// ThreadSanitizer aborts a program the moment Qt 6.4's QProcess starts a process ("CHECK failed:
// tsan_rtl.cpp:234 ((!thr->slot)) != (0)" from its clone() interceptor, with LLVM 14 and 19 alike;
// a 15-line QProcess program does it too). A test function that starts processes (the command
// executor, `fanout` itself) is skipped in a TSan build (make test-tsan), and says so; every other
// build runs it. docs/reliability.md has the details.
#ifdef FANOUT_TSAN
#define SKIP_IF_TSAN_STARTS_PROCESSES() \
    QSKIP("starts processes, which ThreadSanitizer's clone() interceptor aborts on (docs/reliability.md)")
#else
#define SKIP_IF_TSAN_STARTS_PROCESSES() \
    do {                                \
    } while (false)
#endif
