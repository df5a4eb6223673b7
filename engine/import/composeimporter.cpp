#include "engine/import/composeimporter.h"

#include "engine/support/closestmatch.h"
#include "engine/support/jsonlocator.h"
#include "engine/support/structuredtext.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <cctype>
#include <optional>

namespace fanout {

namespace {

using json = nlohmann::ordered_json;

const QStringList kConditions = {QStringLiteral("service_started"), QStringLiteral("service_healthy"),
                                 QStringLiteral("service_completed_successfully")};

// Fields whose value "service:NAME" shares another service's namespace, so that service starts
// first. Compose honours these (compose-go loader/normalize.go); `cgroup` takes no service.
const char *const kNamespaceFields[] = {"network_mode", "ipc", "pid"};

struct Dependency
{
    QString service;
    QString path; // the entry that names it
    QString via;  // the field Compose infers it from ("links"); empty for depends_on
    bool required = true; // `required: false`: Compose goes on without it when it is disabled
};

// One string of a list, with its index there.
struct ComposeEntry
{
    qsizetype index = 0;
    QString text;
};

struct Service
{
    ImportedResource resource;
    QStringList profiles;
    QList<Dependency> dependencies; // in the order the file gives them, repeats included
};

QString shown(const json &value)
{
    if (value.is_object())
        return QStringLiteral("a mapping");
    if (value.is_array())
        return QStringLiteral("a list");
    if (value.is_null())
        return QStringLiteral("empty");
    QString text = QString::fromStdString(value.dump());
    if (text.size() > 40)
        text = text.left(37) + QStringLiteral("...");
    return text;
}

QString viaText(const QString &via)
{
    return via.isEmpty() ? QString() : QStringLiteral(" (through %1)").arg(via);
}

QString fieldPath(const QString &servicePath, const char *field)
{
    return jsonMemberPath(servicePath, QString::fromLatin1(field));
}

// Compose's own rule for service names (compose-spec schema: ^[a-zA-Z0-9._-]+$).
bool isServiceName(const QString &name)
{
    if (name.isEmpty())
        return false;
    return std::all_of(name.cbegin(), name.cend(), [](QChar c) {
        return (c.unicode() < 128 && c.isLetterOrNumber()) || c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-');
    });
}

// Reads the parsed document, checking the type of every field it uses; what it cannot read it
// reports and skips, so that one pass finds every problem.
class ComposeReader
{
public:
    Diagnostics diagnostics;
    QStringList activeProfiles;

    ImportedPlan read(const json &document)
    {
        ImportedPlan plan;
        if (!document.is_object()) {
            error(QString(), document.is_null()
                                 ? QStringLiteral("the file is empty; a Compose file has a \"services\" mapping, such as services: {web: {image: nginx}}")
                                 : QStringLiteral("a Compose file is a mapping with \"services\" at the top, not %1").arg(shown(document)));
            return plan;
        }
        if (const auto it = document.find("name"); it != document.end()) {
            if (it->is_string())
                plan.name = QString::fromStdString(it->get<std::string>());
            else
                error(QStringLiteral("name"), QStringLiteral("the project name must be a string, not %1").arg(shown(*it)));
        }
        if (document.contains("include"))
            warning(QStringLiteral("include"), QStringLiteral("the included files are not read, so their services are not imported; import the merged file: docker compose config > merged.yaml"));

        const auto services = document.find("services");
        if (services == document.end()) {
            error(QString(), looksLikeVersion1(document)
                                 ? QStringLiteral("there is no \"services\" mapping: services at the top of the file are Compose file format 1, which Docker no longer reads; put them under services:")
                                 : QStringLiteral("there is no \"services\" mapping, so this is not a Compose file; a Compose file has one, such as services: {web: {image: nginx}}"));
            return plan;
        }
        if (!services->is_object()) {
            error(QStringLiteral("services"), QStringLiteral("must be a mapping of service names to services, such as {web: {image: nginx}}, not %1").arg(shown(*services)));
            return plan;
        }
        if (services->empty()) {
            error(QStringLiteral("services"), QStringLiteral("defines no services, so there is nothing to import"));
            return plan;
        }

        QList<Service> read;
        for (const auto &[key, value] : services->items()) {
            const QString name = QString::fromStdString(key);
            if (auto service = this->service(name, extended(name, value, *services, {})))
                read.append(std::move(*service));
            else
                m_unreadable.insert(name); // reported once; waiting for it is not a second problem
        }

        QStringList names;
        QHash<QString, const Service *> byName;
        for (const Service &s : read) {
            names.append(s.resource.address);
            byName.insert(s.resource.address, &s);
        }
        for (Service &s : read) {
            resolve(s, byName, names);
            plan.resources.append(std::move(s.resource));
        }
        return plan;
    }

private:
    // Format 1 had no "services": each top-level key was a service with an image or a build. An
    // extension field (x-defaults: &defaults {image: ...}) is only a template for services.
    static bool looksLikeVersion1(const json &document)
    {
        for (const auto &[key, value] : document.items()) {
            if (key.rfind("x-", 0) != 0 && value.is_object() && (value.contains("image") || value.contains("build")))
                return true;
        }
        return false;
    }

    // A service that extends another of the same file (`extends: base`, `extends: {service: base}`)
    // is the base's fields with its own over them, as docker compose merges them: mappings merged,
    // anything else its own, and depends_on and volumes_from never taken from the base. One that
    // extends a service of another file (`file:`) is read as written, with a warning. Problems of
    // `extends` are said for the service that has it (`chain` empty), not again for each that
    // extends it.
    json extended(const QString &name, const json &value, const json &services, QStringList chain)
    {
        const auto it = value.is_object() ? value.find("extends") : value.end();
        if (!value.is_object() || it == value.end())
            return value;
        const bool own = chain.isEmpty();
        const QString path = fieldPath(jsonMemberPath(QStringLiteral("services"), name), "extends");
        QString base;
        if (it->is_string()) {
            base = QString::fromStdString(it->get<std::string>());
        } else if (it->is_object() && it->contains("file")) {
            if (own)
                warning(path, QStringLiteral("extends a service of another file, which is not followed: what it would add (image, environment...) is not "
                                             "read; import the merged file: docker compose config > merged.yaml"));
            return value;
        } else if (const auto named = it->is_object() ? it->find("service") : it->end(); it->is_object() && named != it->end() && named->is_string()) {
            base = QString::fromStdString(named->get<std::string>());
        } else {
            if (own)
                error(path, QStringLiteral("must name the service to extend, such as base or {service: base}, not %1").arg(shown(*it)));
            return value;
        }
        chain.append(name);
        if (chain.contains(base)) {
            // Said by the service the circle starts from, when it goes through it.
            if (base == chain.constFirst()) {
                error(fieldPath(jsonMemberPath(QStringLiteral("services"), base), "extends"),
                      QStringLiteral("extends go round in a circle (%1 -> %2); docker compose rejects this file too").arg(chain.join(QStringLiteral(" -> ")), base));
            }
            return value;
        }
        const auto found = services.find(base.toStdString());
        if (found == services.end() || !found->is_object()) {
            if (own) {
                QStringList names;
                for (const auto &[key, ignored] : services.items())
                    names.append(QString::fromStdString(key));
                error(path, QStringLiteral("extends undefined service \"%1\"%2; docker compose rejects this file too").arg(base, didYouMean(base, names)));
            }
            return value;
        }
        json merged = extended(base, *found, services, chain);
        for (const char *never : {"depends_on", "volumes_from", "extends"})
            merged.erase(never);
        for (const auto &[key, field] : value.items()) {
            if (key == "extends")
                continue;
            if (field.is_object() && merged.contains(key) && merged[key].is_object())
                merged[key].update(field);
            else
                merged[key] = field;
        }
        return merged;
    }

    std::optional<Service> service(const QString &name, const json &value)
    {
        const QString path = jsonMemberPath(QStringLiteral("services"), name);
        if (!isServiceName(name)) {
            error(path, QStringLiteral("\"%1\" is not a service name Compose accepts: use letters, digits, \".\", \"_\" and \"-\"").arg(name));
            return std::nullopt;
        }
        if (!value.is_object()) {
            error(path, QStringLiteral("a service is a mapping such as {image: nginx}, not %1").arg(shown(value)));
            return std::nullopt;
        }

        Service s;
        s.resource.address = name;
        s.resource.type = QStringLiteral("service");
        // The service name, not container_name: it is what depends_on and `docker compose up NAME`
        // use, and container_name is often unset, templated or absent from a scaled service.
        s.resource.name = name;
        json &source = s.resource.source;

        image(value, path, source);
        if (const auto it = value.find("container_name"); it != value.end()) {
            if (it->is_string())
                source["container_name"] = *it;
            else
                error(fieldPath(path, "container_name"), QStringLiteral("must be a string, not %1").arg(shown(*it)));
        }
        if (const auto it = value.find("profiles"); it != value.end())
            profiles(*it, fieldPath(path, "profiles"), s);
        if (const auto it = value.find("depends_on"); it != value.end())
            dependsOn(*it, fieldPath(path, "depends_on"), s);
        inferredDependencies(value, path, s);
        return s;
    }

    // What the service runs: an image, or what it builds one from.
    void image(const json &value, const QString &path, json &source)
    {
        if (const auto it = value.find("image"); it != value.end()) {
            if (it->is_string())
                source["image"] = *it;
            else
                error(fieldPath(path, "image"), QStringLiteral("must be an image name such as nginx:1.27, not %1").arg(shown(*it)));
        }
        if (const auto it = value.find("build"); it != value.end()) {
            if (it->is_string()) {
                source["build"] = *it;
            } else if (it->is_object()) {
                const auto context = it->find("context");
                if (context == it->end())
                    source["build"] = "."; // Compose's default context
                else if (context->is_string())
                    source["build"] = *context;
                else
                    error(jsonMemberPath(fieldPath(path, "build"), QStringLiteral("context")), QStringLiteral("must be a directory or a URL, not %1").arg(shown(*context)));
            } else {
                error(fieldPath(path, "build"), QStringLiteral("must be a build context such as ./web, or a mapping such as {context: ./web}, not %1").arg(shown(*it)));
            }
        }
        if (!value.contains("image") && !value.contains("build"))
            warning(path, QStringLiteral("has neither \"image\" nor \"build\", so docker compose cannot run it from this file alone. If this file adds to another "
                                         "(docker compose -f a.yaml -f b.yaml), import the merged file: docker compose -f a.yaml -f b.yaml config > merged.yaml"));
    }

    void profiles(const json &value, const QString &path, Service &s)
    {
        for (const ComposeEntry &e : strings(value, path, QStringLiteral("a list of profile names, such as [debug]")))
            s.profiles.append(e.text);
        if (s.profiles.isEmpty())
            return;
        json &source = s.resource.source;
        source["profiles"] = json::array();
        for (const QString &p : std::as_const(s.profiles))
            source["profiles"].push_back(p.toStdString());
        const bool active = activeProfiles.contains(QStringLiteral("*"))
            || std::any_of(s.profiles.cbegin(), s.profiles.cend(), [&](const QString &p) { return activeProfiles.contains(p); });
        if (active) {
            s.resource.note = QStringLiteral("only with profile %1, which is chosen").arg(s.profiles.join(QStringLiteral(" or ")));
        } else {
            // As docker compose: not started unless its profile is chosen.
            s.resource.run = false;
            s.resource.note = QStringLiteral("only with profile %1: not run unless it is chosen (--profile %2, or COMPOSE_PROFILES=%2)")
                                  .arg(s.profiles.join(QStringLiteral(" or ")), s.profiles.constFirst());
        }
    }

    // The services Compose starts first because other fields than depends_on name them: links,
    // volumes_from, and the namespaces a service shares.
    void inferredDependencies(const json &value, const QString &path, Service &s)
    {
        json &source = s.resource.source;
        if (const auto it = value.find("links"); it != value.end()) {
            const QString linksPath = fieldPath(path, "links");
            const QList<ComposeEntry> links = strings(*it, linksPath, QStringLiteral("a list of services, such as [db, \"cache:redis\"]"));
            for (const ComposeEntry &e : links) // "db" or "db:alias"
                s.dependencies.append(Dependency{e.text.section(QLatin1Char(':'), 0, 0), jsonIndexPath(linksPath, e.index), QStringLiteral("links")});
            if (!links.isEmpty())
                source["links"] = *it;
        }
        if (const auto it = value.find("volumes_from"); it != value.end()) {
            const QString fromPath = fieldPath(path, "volumes_from");
            const QList<ComposeEntry> from = strings(*it, fromPath, QStringLiteral("a list of services, such as [data, \"logs:ro\"]"));
            for (const ComposeEntry &e : from) {
                // "data", "data:ro"; "container:name" is a container Compose does not manage.
                if (!e.text.startsWith(QLatin1String("container:")))
                    s.dependencies.append(Dependency{e.text.section(QLatin1Char(':'), 0, 0), jsonIndexPath(fromPath, e.index), QStringLiteral("volumes_from")});
            }
            if (!from.isEmpty())
                source["volumes_from"] = *it;
        }
        for (const char *key : kNamespaceFields) {
            const auto it = value.find(key);
            if (it == value.end())
                continue;
            if (!it->is_string()) {
                error(fieldPath(path, key), QStringLiteral("must be a string such as \"host\" or \"service:vpn\", not %1").arg(shown(*it)));
                continue;
            }
            const QString mode = QString::fromStdString(it->get<std::string>());
            if (mode.startsWith(QLatin1String("service:"))) {
                s.dependencies.append(Dependency{mode.mid(8), fieldPath(path, key), QString::fromLatin1(key)});
                source[key] = *it;
            }
        }
    }

    // depends_on: [db, cache]  or  {db: {condition: service_healthy, required: false}}
    void dependsOn(const json &value, const QString &path, Service &s)
    {
        json conditions = json::object();
        json required = json::object();
        if (value.is_array()) {
            for (const ComposeEntry &e : strings(value, path, QStringLiteral("a list of services, such as [db]"))) {
                s.dependencies.append(Dependency{e.text, jsonIndexPath(path, e.index), QString()});
                conditions[e.text.toStdString()] = "service_started"; // what the list form means
            }
        } else if (value.is_object()) {
            for (const auto &[key, entry] : value.items()) {
                const QString name = QString::fromStdString(key);
                const QString entryPath = jsonMemberPath(path, name);
                Dependency d{name, entryPath, QString()};
                std::string condition = "service_started";
                if (entry.is_object()) {
                    if (const auto c = entry.find("condition"); c != entry.end()) {
                        const QString text = c->is_string() ? QString::fromStdString(c->get<std::string>()) : QString();
                        if (kConditions.contains(text))
                            condition = c->get<std::string>();
                        else
                            error(jsonMemberPath(entryPath, QStringLiteral("condition")),
                                  QStringLiteral("must be service_started, service_healthy or service_completed_successfully, not %1%2")
                                      .arg(shown(*c), didYouMean(text, kConditions)));
                    }
                    if (const auto r = entry.find("required"); r != entry.end()) {
                        if (r->is_boolean()) {
                            d.required = r->get<bool>();
                            if (!d.required)
                                required[key] = false;
                        } else {
                            error(jsonMemberPath(entryPath, QStringLiteral("required")), QStringLiteral("must be true or false, not %1").arg(shown(*r)));
                        }
                    }
                } else if (!entry.is_null()) {
                    error(entryPath, QStringLiteral("must be a mapping such as {condition: service_healthy}, not %1").arg(shown(entry)));
                    continue;
                }
                conditions[key] = condition;
                s.dependencies.append(d);
            }
        } else {
            error(path, QStringLiteral("must be a list of services, such as [db], or a mapping such as {db: {condition: service_healthy}}, not %1").arg(shown(value)));
            return;
        }
        if (!conditions.empty())
            s.resource.source["depends_on"] = std::move(conditions);
        if (!required.empty())
            s.resource.source["required"] = std::move(required);
    }

    // Turns the dependencies a service names into edges, each once, and reports those Compose
    // would refuse.
    void resolve(Service &s, const QHash<QString, const Service *> &byName, const QStringList &names)
    {
        const QString &self = s.resource.address;
        for (const Dependency &d : std::as_const(s.dependencies)) {
            if (d.service == self) {
                error(d.path, QStringLiteral("\"%1\" depends on itself%2; docker compose rejects a service that waits for itself, so remove this entry")
                                  .arg(self, viaText(d.via)));
                continue;
            }
            const auto target = byName.constFind(d.service);
            if (target == byName.cend() && m_unreadable.contains(d.service))
                continue;
            if (target == byName.cend()) {
                error(d.path, QStringLiteral("depends on undefined service \"%1\"%2%3; docker compose rejects this file too. If \"%1\" is defined in another Compose file "
                                             "used with this one (docker compose -f a.yaml -f b.yaml), import the merged file: docker compose -f a.yaml -f b.yaml config > merged.yaml")
                                  .arg(d.service, viaText(d.via), didYouMean(d.service, names)));
                continue;
            }
            if (s.resource.dependsOn.contains(d.service))
                continue;
            s.resource.dependsOn.append(d.service);

            // A service in a profile the dependent may run without: `docker compose up` without
            // that profile refuses the whole project.
            const QStringList &theirs = (*target)->profiles;
            const bool shared = std::any_of(s.profiles.cbegin(), s.profiles.cend(), [&](const QString &p) { return theirs.contains(p); });
            if (!theirs.isEmpty() && !shared && d.required)
                warning(d.path, QStringLiteral("\"%1\" runs only with profile %2, so docker compose rejects this dependency unless that profile is enabled (--profile %3)")
                                    .arg(d.service, theirs.join(QStringLiteral(" or ")), theirs.first()));
        }
    }

    // The strings of a list; entries that are not strings are reported and left out.
    QList<ComposeEntry> strings(const json &value, const QString &path, const QString &example)
    {
        QList<ComposeEntry> result;
        if (!value.is_array()) {
            error(path, QStringLiteral("must be %1, not %2").arg(example, shown(value)));
            return result;
        }
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (value[i].is_string())
                result.append(ComposeEntry{qsizetype(i), QString::fromStdString(value[i].get<std::string>())});
            else
                error(jsonIndexPath(path, qsizetype(i)), QStringLiteral("must be a name, not %1").arg(shown(value[i])));
        }
        return result;
    }

    QSet<QString> m_unreadable; // services the file defines that could not be read

    void error(const QString &path, const QString &message)
    {
        diagnostics.append(Diagnostic::error(path, message));
    }
    void warning(const QString &path, const QString &message)
    {
        diagnostics.append(Diagnostic{Diagnostic::Severity::Warning, path, 0, 0, message});
    }
};

bool looksLikeJson(const std::string &text)
{
    const auto first = std::find_if(text.cbegin(), text.cend(), [](char c) { return !std::isspace(static_cast<unsigned char>(c)); });
    return first != text.cend() && *first == '{';
}

} // namespace

QStringList ComposeImporter::activeProfilesFromEnvironment()
{
    QStringList profiles;
    for (const QString &name : qEnvironmentVariable("COMPOSE_PROFILES").split(QLatin1Char(','), Qt::SkipEmptyParts))
        profiles.append(name.trimmed());
    return profiles;
}

ImportedPlan ComposeImporter::read(const std::string &text, const QStringList &activeProfiles)
{
    ImportedPlan plan;
    const StructuredText parsed = looksLikeJson(text) ? StructuredText::parseJson(text) : StructuredText::parseYaml(text);
    if (!parsed.ok()) {
        plan.diagnostics = parsed.diagnostics();
        return plan;
    }
    ComposeReader reader;
    reader.activeProfiles = activeProfiles;
    try {
        plan = reader.read(parsed.document());
    } catch (const nlohmann::json::exception &e) {
        // Every value's type is checked before it is read; this is a bug, but not the user's crash.
        plan = ImportedPlan();
        reader.diagnostics.append(Diagnostic{Diagnostic::Severity::Error, QString(), 0, 0,
                                             QStringLiteral("could not read the file (%1); please report this").arg(QString::fromUtf8(e.what()))});
    }
    plan.diagnostics = reader.diagnostics;
    parsed.place(plan.diagnostics);
    // In the order a person reads the file.
    std::stable_sort(plan.diagnostics.begin(), plan.diagnostics.end(), [](const Diagnostic &a, const Diagnostic &b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return plan;
}

} // namespace fanout
