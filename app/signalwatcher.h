#pragma once

#include <QList>
#include <QObject>

QT_BEGIN_NAMESPACE
class QSocketNotifier;
QT_END_NAMESPACE

namespace fanout {

// Turns Unix signals (SIGINT from Ctrl+C, SIGTERM from a CI runner) into a Qt signal on the
// event loop, through a self-pipe: a signal handler may do almost nothing, so it only writes a byte.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(const QList<int> &signalNumbers, QObject *parent = nullptr);
    ~SignalWatcher() override; // restores the default handlers

signals:
    void received(int signalNumber);

private:
    static void handle(int signalNumber);
    void readPipe();

    QList<int> m_signals;
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace fanout
