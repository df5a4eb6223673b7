#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <deque>
#include <memory>
#include <optional>

namespace fanout {

class Attempt;

// What a command writes, as its attempt sees it: stdout and stderr cut into lines as their bytes
// arrive, in whatever pieces they come, and streamed into the log (stdout at Info, stderr at Warning
// as "stderr: ..."); "::output KEY=VALUE" lines and the outputs_json line read into outputs; the
// last lines of stderr kept for the failure message.
class CommandOutput
{
public:
    explicit CommandOutput(std::shared_ptr<Attempt> attempt);

    void appendStdout(const QByteArray &bytes);
    void appendStderr(const QByteArray &bytes);
    // The streams ended: logs what is left of a last line without a newline.
    void finish();

    bool hasStderr() const { return !m_stderrTail.empty(); }
    // The last lines of stderr, for a failure message: "line | line | line".
    QString stderrTail() const;
    // Outputs from a JSON object on the last non-empty line of stdout (outputs_json); a warning in
    // the log says why there are none.
    void readJsonOutputs();

private:
    // One line of a stream as it came, without its newline.
    struct Line
    {
        QByteArray bytes;
        bool truncated = false; // longer than the limit; the rest was dropped
    };

    class LineBuffer
    {
    public:
        QList<Line> append(const QByteArray &bytes);
        std::optional<Line> finish(); // the last line, when the stream ended without a newline

    private:
        Line take();

        QByteArray m_pending;
        bool m_truncated = false;
    };

    void onStdout(const Line &line);
    void onStderr(const Line &line);

    const std::shared_ptr<Attempt> m_attempt;
    LineBuffer m_stdout;
    LineBuffer m_stderr;
    std::deque<QString> m_stderrTail;
    QString m_lastStdoutLine;    // the last non-empty one, for outputs_json
    bool m_lastStdoutTruncated = false;
};

} // namespace fanout
