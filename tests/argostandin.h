#pragma once

// The Argo Server stand-in (tests/argo/standin.py) on a free port of the loopback interface, for
// one test: started by the constructor, gone with the object. url() is invalid when it did not start.
#include <QElapsedTimer>
#include <QProcess>
#include <QStringList>
#include <QUrl>

namespace fanout::test {

const QString kStandIn = QStringLiteral(FANOUT_SOURCE_DIR "/tests/argo/standin.py");
const QString kSchema = QStringLiteral(FANOUT_SOURCE_DIR "/tests/argo/schema.json");

// The stand-in, on a free port, for one test.
class StandIn
{
public:
    explicit StandIn(const QStringList &options)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QStringLiteral("python3"), QStringList{kStandIn, QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--schema"), kSchema} + options);
        if (!m_process.waitForStarted(10'000))
            return;
        QElapsedTimer clock;
        clock.start();
        while (!m_process.canReadLine() && clock.elapsed() < 20'000)
            m_process.waitForReadyRead(200);
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        if (line.startsWith(QLatin1String("listening on ")))
            m_url = QUrl(line.mid(13));
    }
    ~StandIn()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished();
    }
    QUrl url() const { return m_url; }

private:
    QProcess m_process;
    QUrl m_url;
};

} // namespace fanout::test
