#include "engine/executors/commandexecutor.h"

#include "engine/executors/attempt.h"
#include "engine/executors/commandrun.h"
#include "engine/executors/groupkeeper.h"
#include "engine/support/duration.h"
#include "engine/support/jsonlocator.h"

#include <nlohmann/json.hpp>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

constexpr qint64 kDefaultGraceMs = 5000;

QString fromJson(const json &value)
{
    return QString::fromStdString(value.get<std::string>());
}

// Fills in ${self.outputs.KEY} in every string of `value` from the outputs recorded when the
// resource was created (what a destroy action refers to); the scheduler has substituted every other
// reference already.
void substituteSelfOutputs(json &value, const QMap<QString, QString> &known, QStringList *errors)
{
    if (value.is_structured()) {
        for (auto &member : value)
            substituteSelfOutputs(member, known, errors);
        return;
    }
    if (!value.is_string())
        return;
    static const QLatin1String opening("${self.outputs.");
    QString text = fromJson(value);
    bool changed = false;
    for (qsizetype at = text.indexOf(opening); at >= 0; at = text.indexOf(opening, at)) {
        const qsizetype close = text.indexOf(QLatin1Char('}'), at);
        if (close < 0)
            break;
        const QString key = text.mid(at + opening.size(), close - at - opening.size());
        const auto it = known.constFind(key);
        if (it == known.cend()) {
            errors->append(QStringLiteral("${self.outputs.%1}: the resource has no recorded output \"%1\" (%2)")
                               .arg(key, known.isEmpty() ? QStringLiteral("it has none")
                                                         : QStringLiteral("it has: ") + known.keys().join(QStringLiteral(", "))));
            at = close + 1;
            continue;
        }
        text.replace(at, close + 1 - at, *it);
        at += it->size();
        changed = true;
    }
    if (changed)
        value = text.toStdString();
}

// A reference is checked once it has been substituted, when the attempt starts.
bool isReference(const json &value)
{
    return value.is_string() && value.get_ref<const std::string &>().find("${") != std::string::npos;
}

using Kind = FieldDescription::Kind;

ExecutorDescription describeCommand()
{
    return {
        .type = QStringLiteral("command"),
        .summary = QStringLiteral("runs a process, such as terraform apply or a script"),
        .iconName = QStringLiteral("utilities-terminal"),
        .iconSvg = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">)"
                   R"(<rect x="1" y="2.5" width="14" height="11" rx="1.5" fill="#3c4043"/>)"
                   R"(<path d="M4 6l2.4 2L4 10M8 10.5h4" fill="none" stroke="#fff" stroke-width="1.3" stroke-linecap="round" stroke-linejoin="round"/></svg>)",
        .newParameters = {{"command", {"true"}}},
        .section = {
            .title = QStringLiteral("Process"),
            .fields = {
                {.path = QStringLiteral("shell"), .kind = Kind::Flag, .label = QStringLiteral("Run through /bin/sh -c"), .what = QStringLiteral("the shell setting"),
                 .help = QStringLiteral("Checked: the command is one line run by /bin/sh -c. Unchecked (the default): a program and its arguments, run without a shell."),
                 .defaultValue = false, .switchesCommand = QStringLiteral("command")},
                {.path = QStringLiteral("command"), .kind = Kind::Command, .label = QStringLiteral("Command"), .what = QStringLiteral("the command"),
                 .help = QStringLiteral("The program, then one argument per row, run without a shell (a program with a / is relative to the directory). Required."),
                 .placeholder = QStringLiteral("argument"), .secondPlaceholder = QStringLiteral("command line, such as ./build.sh && ./deploy.sh"),
                 .secondHelp = QStringLiteral("The command line /bin/sh -c runs. Required."), .addText = QStringLiteral("Add argument"),
                 .itemName = QStringLiteral("Argument"), .required = true},
                {.path = QStringLiteral("cwd"), .label = QStringLiteral("Directory"), .what = QStringLiteral("the working directory"),
                 .help = QStringLiteral("The directory to run in; relative to the directory Fanout runs in. Empty: Fanout's working directory."),
                 .placeholder = QStringLiteral("Fanout's working directory")},
                {.path = QStringLiteral("image"), .label = QStringLiteral("Argo image"), .what = QStringLiteral("the container image"),
                 .help = QStringLiteral("The container image the command runs in when the plan is exported to Argo Workflows (docs/argo.md); "
                                        "the plan's argo.image when empty. Not used by Fanout's own runs."),
                 .placeholder = QStringLiteral("the plan's argo.image")},
                {.path = QStringLiteral("env"), .kind = Kind::NameValueMap, .label = QStringLiteral("Environment"), .what = QStringLiteral("the environment"),
                 .help = QStringLiteral("Variables added to Fanout's own environment: a name and its value per row."),
                 .placeholder = QStringLiteral("NAME"), .secondPlaceholder = QStringLiteral("value"), .addText = QStringLiteral("Add variable")},
                {.path = QStringLiteral("grace"), .kind = Kind::Duration, .label = QStringLiteral("Grace"), .what = QStringLiteral("the grace period"),
                 .help = FieldDescription::durationHelp(QStringLiteral("How long a stopped command has between SIGTERM and SIGKILL"), formatDuration(kDefaultGraceMs)),
                 .defaultValue = formatDuration(kDefaultGraceMs).toStdString()},
                {.path = QStringLiteral("outputs_json"), .kind = Kind::Flag, .label = QStringLiteral("Outputs from its last JSON line"),
                 .what = QStringLiteral("the JSON outputs setting"),
                 .help = QStringLiteral("When it succeeds and the last non-empty line of its output is a JSON object, each member becomes an output."),
                 .defaultValue = false},
            },
        },
    };
}

const ExecutorDescription &commandDescription()
{
    static const ExecutorDescription described = describeCommand();
    return described;
}

// "shell": true or false. False when it is neither, with `known` false: then whether "command"
// should be a string cannot be told.
bool readShell(const json &params, const QString &path, const ErrorSink &report, bool *known)
{
    *known = true;
    const auto it = params.find("shell");
    if (it == params.end())
        return commandDescription().field(QStringLiteral("shell")).defaultValue.get<bool>();
    if (it->is_boolean())
        return it->get<bool>();
    *known = false;
    report(jsonMemberPath(path, QStringLiteral("shell")),
           QStringLiteral("is %1; write true to run \"command\", a string, with /bin/sh -c, or false (the "
                          "default) to run the list \"command\" without a shell").arg(jsonTypeName(*it)));
    return false;
}

// A program and its arguments, each a string.
QStringList readArguments(const json &command, const QString &at, const ErrorSink &report)
{
    if (command.empty()) {
        report(at, QStringLiteral("is empty: give at least the program to run, such as [\"./migrate.sh\"]"));
        return {};
    }
    QStringList argv;
    for (std::size_t i = 0; i < command.size(); ++i) {
        const json &argument = command[i];
        const QString where = jsonIndexPath(at, qsizetype(i));
        if (!argument.is_string())
            report(where, QStringLiteral("is %1; the program and each argument must be a string (write numbers in "
                                         "quotes, such as \"8080\")").arg(jsonTypeName(argument)));
        else if (i == 0 && argument.get_ref<const std::string &>().empty())
            report(where, QStringLiteral("is empty: name the program to run, such as \"./migrate.sh\" or \"terraform\""));
        else
            argv.append(fromJson(argument));
    }
    return argv.size() == qsizetype(command.size()) ? argv : QStringList();
}

// "command": a list of arguments, or one line for /bin/sh -c with "shell": true.
QStringList readCommand(const json &params, const QString &path, bool shell, bool shellKnown, const ErrorSink &report)
{
    const QString at = jsonMemberPath(path, QStringLiteral("command"));
    const auto command = params.find("command");
    if (command == params.end()) {
        if (commandDescription().field(QStringLiteral("command")).required) {
            report(at, shell ? QStringLiteral("missing: give the command line to run, such as \"./build.sh && ./deploy.sh\"")
                             : QStringLiteral("missing: give the program to run and its arguments as a list of strings, such "
                                              "as [\"./migrate.sh\", \"--env\", \"prod\"]"));
        }
    } else if (command->is_string()) {
        const QString line = fromJson(*command);
        if (!shell) {
            if (shellKnown) {
                report(at, QStringLiteral("is a string, which only a shell can run: add \"shell\": true to run "
                                          "it with /bin/sh -c, or give the program and its arguments as a "
                                          "list, such as [\"./migrate.sh\", \"--env\", \"prod\"]"));
            }
        } else if (line.trimmed().isEmpty()) {
            report(at, QStringLiteral("is empty: give the command line to run"));
        } else {
            return {QStringLiteral("/bin/sh"), QStringLiteral("-c"), line};
        }
    } else if (command->is_array()) {
        if (!shell)
            return readArguments(*command, at, report);
        report(at, QStringLiteral("is a list, but \"shell\": true runs one command line: write it as a "
                                  "string, such as \"./migrate.sh --env prod\", or remove \"shell\" to "
                                  "run the list without a shell"));
    } else {
        report(at, QStringLiteral("is %1; give the program and its arguments as a list of strings, such as "
                                  "[\"./migrate.sh\", \"--env\", \"prod\"], or a command line string with "
                                  "\"shell\": true").arg(jsonTypeName(*command)));
    }
    return {};
}

QList<std::pair<QString, QString>> readEnvironment(const json &value, const QString &at, const ErrorSink &report)
{
    QList<std::pair<QString, QString>> env;
    if (!value.is_object()) {
        report(at, QStringLiteral("is %1; give the variables and their values as an object, such as "
                                  "{\"AWS_REGION\": \"eu-west-1\"}").arg(jsonTypeName(value)));
        return env;
    }
    for (const auto &member : value.items()) {
        const QString name = QString::fromStdString(member.key());
        const QString where = jsonMemberPath(at, name);
        if (name.isEmpty() || name.contains(QLatin1Char('=')) || name.contains(QChar(0)))
            report(where, QStringLiteral("is not a variable name: a name may not be empty or contain \"=\""));
        else if (!member.value().is_string())
            report(where, QStringLiteral("is %1; a variable's value must be a string (write numbers and booleans "
                                         "in quotes, such as \"8080\")").arg(jsonTypeName(member.value())));
        else
            env.append({name, fromJson(member.value())});
    }
    return env;
}

} // namespace

CommandExecutor::Spec CommandExecutor::readSpec(const json &params, const QString &path, Diagnostics *out)
{
    Spec spec;
    const ErrorSink report{out};
    if (!params.is_object())
        return spec;

    bool shellKnown = true;
    spec.shell = readShell(params, path, report, &shellKnown);
    spec.command = readCommand(params, path, spec.shell, shellKnown, report);
    if (const auto it = params.find("env"); it != params.end())
        spec.env = readEnvironment(*it, jsonMemberPath(path, QStringLiteral("env")), report);

    if (const auto it = params.find("cwd"); it != params.end()) {
        if (it->is_string() && !it->get_ref<const std::string &>().empty())
            spec.workingDirectory = fromJson(*it);
        else
            report(jsonMemberPath(path, QStringLiteral("cwd")),
                   QStringLiteral("must be the directory to run the command in, such as \"infra/db\" (a relative "
                                  "path is relative to the directory Fanout runs in)"));
    }

    if (const auto it = params.find("outputs_json"); it != params.end()) {
        if (it->is_boolean())
            spec.outputsJson = it->get<bool>();
        else
            report(jsonMemberPath(path, QStringLiteral("outputs_json")),
                   QStringLiteral("is %1; write true to read outputs from a JSON object on the last line of stdout, "
                                  "or false").arg(jsonTypeName(*it)));
    }

    spec.graceMs = kDefaultGraceMs;
    if (const auto it = params.find("grace"); it != params.end()) {
        if (const Expected<qint64> grace = parseDuration(*it))
            spec.graceMs = *grace;
        else
            report(jsonMemberPath(path, QStringLiteral("grace")), grace.error());
    }
    return spec;
}

const ExecutorDescription &CommandExecutor::description() const
{
    return fanout::commandDescription();
}

void CommandExecutor::validate(const json &params, const QString &path, Diagnostics &out) const
{
    // A grace given by reference ("${var.grace}") is checked when the attempt starts, substituted.
    if (params.is_object() && params.contains("grace") && isReference(params["grace"])) {
        json checked = params;
        checked.erase("grace");
        readSpec(checked, path, &out);
    } else {
        readSpec(params, path, &out);
    }
}

void CommandExecutor::killAllProcesses()
{
    GroupKeeper::killAll();
}

void CommandExecutor::start(std::shared_ptr<Attempt> attempt, QThreadPool &) const
{
    // Read again from the attempt's parameters: references in them are substituted by now.
    json params = attempt->params();
    QStringList messages;
    substituteSelfOutputs(params, attempt->knownOutputs(), &messages);
    Diagnostics problems;
    Spec spec = readSpec(params, QString(), &problems);
    for (const Diagnostic &d : problems)
        messages.append(d.path + QStringLiteral(": ") + d.message);
    if (!messages.isEmpty()) {
        const QString error = messages.join(QStringLiteral("; "));
        attempt->log(LogLevel::Error, error);
        return attempt->fail(error);
    }
    // Nothing waits here: the process is started and watched on the ProcessSupervisor's thread.
    CommandRun::start(std::move(attempt), std::move(spec));
}

} // namespace fanout
