#include "engine/executors/commandoutput.h"

#include "engine/executors/attempt.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

// A line longer than this is cut in the log (a minified bundle, a progress bar without newlines).
constexpr qsizetype kMaxLogLineChars = 16 * 1024;
// Bytes kept of one line, for "::output" values and the outputs_json line; the rest is dropped
// unread so that a process writing without newlines cannot exhaust memory.
constexpr qsizetype kMaxLineBytes = 1024 * 1024;
// The failure message quotes this many of the last stderr lines, each cut to kMaxTailLineChars.
constexpr std::size_t kStderrTailLines = 5;
constexpr qsizetype kMaxTailLineChars = 500;

// A line as the log shows it: cut to kMaxLogLineChars, with a mark where it was cut.
QString forLog(QString text, bool truncated)
{
    if (text.size() > kMaxLogLineChars) {
        qsizetype cut = kMaxLogLineChars;
        if (text.at(cut - 1).isHighSurrogate())
            --cut;
        text.truncate(cut);
        truncated = true;
    }
    if (truncated)
        text += QStringLiteral("…(truncated)");
    return text;
}

bool isOutputKeyChar(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))
        || (c >= QLatin1Char('0') && c <= QLatin1Char('9')) || c == QLatin1Char('_') || c == QLatin1Char('.')
        || c == QLatin1Char('-');
}

} // namespace

QList<CommandOutput::Line> CommandOutput::LineBuffer::append(const QByteArray &bytes)
{
    QList<Line> lines;
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype newline = bytes.indexOf('\n', start);
        const qsizetype end = newline < 0 ? bytes.size() : newline;
        const qsizetype room = std::max<qsizetype>(0, kMaxLineBytes - m_pending.size());
        if (end - start > room)
            m_truncated = true;
        m_pending.append(bytes.constData() + start, std::min(end - start, room));
        if (newline < 0)
            break;
        lines.append(take());
        start = newline + 1;
    }
    return lines;
}

std::optional<CommandOutput::Line> CommandOutput::LineBuffer::finish()
{
    if (m_pending.isEmpty() && !m_truncated)
        return std::nullopt;
    return take();
}

CommandOutput::Line CommandOutput::LineBuffer::take()
{
    Line line{std::exchange(m_pending, QByteArray()), std::exchange(m_truncated, false)};
    while (line.bytes.endsWith('\r'))
        line.bytes.chop(1);
    return line;
}

CommandOutput::CommandOutput(std::shared_ptr<Attempt> attempt)
    : m_attempt(std::move(attempt))
{
}

void CommandOutput::appendStdout(const QByteArray &bytes)
{
    for (const Line &line : m_stdout.append(bytes))
        onStdout(line);
}

void CommandOutput::appendStderr(const QByteArray &bytes)
{
    for (const Line &line : m_stderr.append(bytes))
        onStderr(line);
}

void CommandOutput::finish()
{
    if (const auto line = m_stdout.finish())
        onStdout(*line);
    if (const auto line = m_stderr.finish())
        onStderr(*line);
}

void CommandOutput::onStdout(const Line &line)
{
    const QString text = QString::fromUtf8(line.bytes);
    m_attempt->log(LogLevel::Info, forLog(text, line.truncated));
    if (!text.trimmed().isEmpty()) {
        m_lastStdoutLine = text;
        m_lastStdoutTruncated = line.truncated;
    }

    static const QLatin1String marker("::output");
    if (!text.startsWith(marker))
        return;
    // "::output KEY=VALUE"
    qsizetype end = marker.size() + 1;
    const bool spaced = text.size() > marker.size() && text.at(marker.size()) == QLatin1Char(' ');
    while (end < text.size() && isOutputKeyChar(text.at(end)))
        ++end;
    if (!spaced || end == marker.size() + 1 || end >= text.size() || text.at(end) != QLatin1Char('=')) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("ignored this ::output line: write it as ::output KEY=VALUE, "
                                                         "KEY made of letters, digits, '_', '.' and '-'"));
        return;
    }
    if (line.truncated) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("ignored this ::output line: it is longer than %1 bytes")
                                              .arg(kMaxLineBytes));
        return;
    }
    const qsizetype keyStart = marker.size() + 1;
    m_attempt->setOutput(text.mid(keyStart, end - keyStart), text.mid(end + 1));
}

void CommandOutput::onStderr(const Line &line)
{
    const QString text = QString::fromUtf8(line.bytes);
    m_attempt->log(LogLevel::Warning, QStringLiteral("stderr: ") + forLog(text, line.truncated));
    if (text.trimmed().isEmpty())
        return;
    m_stderrTail.push_back(text.size() > kMaxTailLineChars ? text.left(kMaxTailLineChars) + QStringLiteral("…") : text);
    if (m_stderrTail.size() > kStderrTailLines)
        m_stderrTail.pop_front();
}

QString CommandOutput::stderrTail() const
{
    QStringList lines;
    for (const QString &line : m_stderrTail)
        lines.append(line.trimmed());
    return lines.join(QStringLiteral(" | "));
}

void CommandOutput::readJsonOutputs()
{
    const auto warn = [this](const QString &why) {
        m_attempt->log(LogLevel::Warning, QStringLiteral("outputs_json: %1, so it gave no outputs").arg(why));
    };
    if (m_lastStdoutLine.isEmpty())
        return warn(QStringLiteral("the command wrote nothing on stdout"));
    if (m_lastStdoutTruncated)
        return warn(QStringLiteral("the last line of stdout is longer than %1 bytes").arg(kMaxLineBytes));
    try {
        const json document = json::parse(m_lastStdoutLine.toStdString(), nullptr, false);
        if (!document.is_object())
            return warn(QStringLiteral("the last line of stdout is not a JSON object"));
        for (const auto &member : document.items()) {
            const json &value = member.value();
            m_attempt->setOutput(QString::fromStdString(member.key()),
                                 value.is_string() ? QString::fromStdString(value.get<std::string>()) : QString::fromStdString(value.dump()));
        }
    } catch (const json::exception &e) {
        warn(QStringLiteral("the last line of stdout could not be read as JSON (%1)").arg(QString::fromUtf8(e.what())));
    }
}

} // namespace fanout
