#include "engine/import/composeimporter.h"
#include "engine/support/textdecoder.h"

#include <QFile>
#include <QtTest>

using namespace fanout;

namespace {

QString corpus(const char *name)
{
    return QStringLiteral(FANOUT_CORPUS "/compose/") + QString::fromLatin1(name);
}

std::string readCorpus(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return std::string();
    return TextDecoder::toUtf8(file.readAll());
}

// Inline Compose files are written one line per string, which keeps them readable without raw
// string literals.
std::string yaml(const QStringList &lines)
{
    return (lines.join(QLatin1Char('\n')) + QLatin1Char('\n')).toStdString();
}

QString dump(const Diagnostics &diagnostics)
{
    QStringList lines;
    for (const Diagnostic &d : diagnostics)
        lines.append(d.toString(QStringLiteral("compose.yaml")));
    return lines.join(QLatin1Char('\n'));
}

const ImportedResource *find(const ImportedPlan &plan, const QString &address)
{
    for (const ImportedResource &r : plan.resources) {
        if (r.address == address)
            return &r;
    }
    return nullptr;
}

const Diagnostic *firstError(const Diagnostics &diagnostics)
{
    for (const Diagnostic &d : diagnostics) {
        if (d.isError())
            return &d;
    }
    return nullptr;
}

// "a>b" for each edge, sorted, for exact comparisons.
QStringList edges(const ImportedPlan &plan)
{
    QStringList result;
    for (const ImportedResource &r : plan.resources) {
        for (const QString &d : r.dependsOn)
            result.append(r.address + QLatin1Char('>') + d);
    }
    result.sort();
    return result;
}

} // namespace

class Tst_composeimporter : public QObject
{
    Q_OBJECT

private slots:
    void corpusFiles_data();
    void corpusFiles();
    void mergeKeyOverridesDependsOn();
    void profilesAreKeptWithANote();
    void extendsInTheSameFileIsMerged();
    void overlayImportsWithWarnings();
    void truncatedCorpusFiles_data();
    void truncatedCorpusFiles();
    void neverCrashesOnAnyTruncation_data();
    void neverCrashesOnAnyTruncation();
    void dependencies_data();
    void dependencies();
    void problems_data();
    void problems();
    void keepsTheFactsInSource();
    void jsonComposeFile();
    void planName();
};

void Tst_composeimporter::corpusFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("services");
    QTest::addColumn<QStringList>("edges");      // "a>b": a depends on b
    QTest::addColumn<QStringList>("conditions"); // "a>b=condition", as kept in a's source

    // compose.yaml of docker/awesome-compose nginx-flask-mysql: backend waits for db in map form
    // (lines 39-41, condition service_healthy), proxy for backend in list form (lines 46-47).
    QTest::newRow("awesome-compose nginx-flask-mysql")
        << corpus("awesome_compose_nginx-flask-mysql.yaml") << 3
        << QStringList{QStringLiteral("backend>db"), QStringLiteral("proxy>backend")}
        << QStringList{QStringLiteral("backend>db=service_healthy"), QStringLiteral("proxy>backend=service_started")};
    // netbox-docker: netbox lists postgres, redis, redis-cache (lines 4-7, list form); the worker
    // and housekeeping take everything from <<: *netbox but say their own depends_on (map form,
    // lines 21-24 and 35-38), so they wait for netbox only.
    QTest::newRow("netbox anchors")
        << corpus("netbox_docker-compose_anchors.yml") << 6
        << QStringList{QStringLiteral("netbox>postgres"), QStringLiteral("netbox>redis"), QStringLiteral("netbox>redis-cache"),
                       QStringLiteral("netbox-worker>netbox"), QStringLiteral("netbox-housekeeping>netbox")}
        << QStringList{QStringLiteral("netbox>redis-cache=service_started"), QStringLiteral("netbox-worker>netbox=service_healthy"),
                       QStringLiteral("netbox-housekeeping>netbox=service_healthy")};
    // OpenTelemetry demo compose.yaml (core): cart waits for valkey-cart healthy (lines 104-106),
    // frontend-proxy for telemetry-docs healthy (lines 366, 371-372), product-catalog for
    // astronomy-db healthy (lines 536, 541-542), load-generator for frontend-proxy (lines 444, 447-448).
    QTest::newRow("otel demo core")
        << corpus("otel_demo_compose_core.yaml") << 20
        << QStringList{QStringLiteral("cart>valkey-cart"), QStringLiteral("frontend-proxy>telemetry-docs"),
                       QStringLiteral("product-catalog>astronomy-db"), QStringLiteral("load-generator>frontend-proxy")}
        << QStringList{QStringLiteral("cart>valkey-cart=service_healthy"), QStringLiteral("cart>otel-collector=service_started"),
                       QStringLiteral("product-catalog>astronomy-db=service_healthy")};
    // compose.full.yaml, an overlay whose patches (checkout, otel-collector) are services of the
    // file: accounting waits for otel-collector started and kafka healthy (lines 33-37), checkout
    // for kafka (lines 129-131), fraud-detection for kafka (lines 77-81).
    QTest::newRow("otel demo full overlay")
        << corpus("otel_demo_compose_full_overlay.yaml") << 5
        << QStringList{QStringLiteral("accounting>otel-collector"), QStringLiteral("accounting>kafka"),
                       QStringLiteral("checkout>kafka"), QStringLiteral("fraud-detection>kafka")}
        << QStringList{QStringLiteral("accounting>otel-collector=service_started"), QStringLiteral("accounting>kafka=service_healthy"),
                       QStringLiteral("checkout>kafka=service_healthy")};
    // OpenTelemetry demo docker-compose.yml (29 services): checkout waits for kafka healthy (lines
    // 150, 165-166), otel-collector for opensearch healthy (lines 885, 888-889), product-reviews
    // for llm (lines 557, 560-561), frontend-proxy for jaeger (lines 371, 376-377).
    QTest::newRow("otel demo 29 services")
        << corpus("otel_demo_docker-compose_29svc.yml") << 29
        << QStringList{QStringLiteral("checkout>kafka"), QStringLiteral("otel-collector>opensearch"),
                       QStringLiteral("product-reviews>llm"), QStringLiteral("frontend-proxy>jaeger")}
        << QStringList{QStringLiteral("checkout>kafka=service_healthy"), QStringLiteral("otel-collector>opensearch=service_healthy"),
                       QStringLiteral("product-reviews>llm=service_started")};
    // example-voting-app docker-compose.yml: vote waits for redis healthy (lines 10-12), worker for
    // redis and db healthy (lines 44-48), seed (profile seed) for vote healthy (lines 79-81).
    QTest::newRow("voting app")
        << corpus("voting_app_docker-compose.yml") << 6
        << QStringList{QStringLiteral("vote>redis"), QStringLiteral("result>db"), QStringLiteral("worker>redis"),
                       QStringLiteral("worker>db"), QStringLiteral("seed>vote")}
        << QStringList{QStringLiteral("vote>redis=service_healthy"), QStringLiteral("worker>db=service_healthy"),
                       QStringLiteral("seed>vote=service_healthy")};
    // example-voting-app result/docker-compose.test.yml (version '2', list form only): sut waits
    // for vote, result, worker (lines 7-10); vote and worker for redis and db (lines 16-18, 36-38).
    QTest::newRow("voting app result test v2")
        << corpus("voting_app_result_test_v2.yml") << 6
        << QStringList{QStringLiteral("sut>vote"), QStringLiteral("sut>result"), QStringLiteral("sut>worker"),
                       QStringLiteral("vote>redis"), QStringLiteral("worker>db")}
        << QStringList{QStringLiteral("sut>worker=service_started"), QStringLiteral("vote>db=service_started")};
}

void Tst_composeimporter::corpusFiles()
{
    QFETCH(QString, file);
    QFETCH(int, services);
    QFETCH(QStringList, edges);
    QFETCH(QStringList, conditions);

    const std::string text = readCorpus(file);
    QVERIFY2(!text.empty(), qPrintable(file));
    const ImportedPlan plan = ComposeImporter::read(text);
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(plan.resources.size(), services);
    for (const ImportedResource &r : plan.resources) {
        QCOMPARE(r.type, QStringLiteral("service"));
        QCOMPARE(r.name, r.address);
        QVERIFY2(!r.dependsOn.contains(r.address), qPrintable(r.address));
        QCOMPARE(QSet<QString>(r.dependsOn.cbegin(), r.dependsOn.cend()).size(), r.dependsOn.size()); // each once
        for (const QString &d : r.dependsOn)
            QVERIFY2(find(plan, d), qPrintable(r.address + QStringLiteral(" -> ") + d));
    }
    for (const QString &edge : edges) {
        const ImportedResource *from = find(plan, edge.section(QLatin1Char('>'), 0, 0));
        QVERIFY2(from, qPrintable(edge));
        QVERIFY2(from->dependsOn.contains(edge.section(QLatin1Char('>'), 1)), qPrintable(edge + QStringLiteral(": ") + from->dependsOn.join(QLatin1Char(','))));
    }
    for (const QString &c : conditions) {
        const ImportedResource *from = find(plan, c.section(QLatin1Char('>'), 0, 0));
        QVERIFY2(from, qPrintable(c));
        const std::string to = c.section(QLatin1Char('>'), 1).section(QLatin1Char('='), 0, 0).toStdString();
        const std::string condition = c.section(QLatin1Char('='), 1).toStdString();
        QVERIFY2(from->source.contains("depends_on") && from->source["depends_on"].value(to, std::string()) == condition,
                 qPrintable(c + QStringLiteral(": ") + QString::fromStdString(from->source.dump())));
    }
}

void Tst_composeimporter::mergeKeyOverridesDependsOn()
{
    const ImportedPlan plan = ComposeImporter::read(readCorpus(corpus("netbox_docker-compose_anchors.yml")));
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    // The worker's own depends_on replaces the one <<: *netbox brings: it waits for netbox only,
    // not for postgres and the redises that netbox waits for.
    const ImportedResource *worker = find(plan, QStringLiteral("netbox-worker"));
    QVERIFY(worker);
    QCOMPARE(worker->dependsOn, QStringList{QStringLiteral("netbox")});
    QCOMPARE(find(plan, QStringLiteral("netbox-housekeeping"))->dependsOn, QStringList{QStringLiteral("netbox")});
    QCOMPARE(find(plan, QStringLiteral("netbox"))->dependsOn,
             (QStringList{QStringLiteral("postgres"), QStringLiteral("redis"), QStringLiteral("redis-cache")}));
    // ... while the image still comes from the merge key.
    QCOMPARE(worker->source.value("image", std::string()), std::string("docker.io/netboxcommunity/netbox:${VERSION-v4.1-3.0.2}"));
    QCOMPARE(edges(plan).size(), 5);
}

// `extends` within the file is a merge: the base's image comes with it (no warning that there is
// none), its own fields win, and the base's depends_on is not taken, as docker compose has it.
void Tst_composeimporter::extendsInTheSameFileIsMerged()
{
    const ImportedPlan plan = ComposeImporter::read(
        "services:\n"
        "  db: {image: postgres:16}\n"
        "  base:\n"
        "    image: myapp:1\n"
        "    depends_on: [db]\n"
        "    environment: {A: \"1\"}\n"
        "  web:\n"
        "    extends: base\n"
        "    container_name: web-1\n"
        "  worker:\n"
        "    extends: {service: web}\n"
        "    image: myapp:2\n");
    QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(dump(plan.diagnostics)));
    const ImportedResource *web = find(plan, QStringLiteral("web"));
    QVERIFY(web);
    QCOMPARE(web->source.value("image", std::string()), std::string("myapp:1"));
    QCOMPARE(web->source.value("container_name", std::string()), std::string("web-1"));
    QVERIFY(web->dependsOn.isEmpty());
    const ImportedResource *worker = find(plan, QStringLiteral("worker"));
    QVERIFY(worker);
    QCOMPARE(worker->source.value("image", std::string()), std::string("myapp:2"));
    QCOMPARE(worker->source.value("container_name", std::string()), std::string("web-1"));

    const ImportedPlan undefined = ComposeImporter::read("services:\n  base: {image: a}\n  web:\n    image: b\n    extends: bsae\n");
    QCOMPARE(undefined.diagnostics.size(), 1);
    QVERIFY2(undefined.diagnostics[0].message.contains(QLatin1String("extends undefined service \"bsae\" (did you mean \"base\"?)")),
             qPrintable(dump(undefined.diagnostics)));
    QCOMPARE(undefined.diagnostics[0].line, 5);

    const ImportedPlan circle = ComposeImporter::read("services:\n  a: {extends: b, image: x}\n  b: {extends: a}\n");
    QVERIFY(circle.hasErrors());
    QVERIFY2(circle.diagnostics[0].message.contains(QLatin1String("go round in a circle (a -> b -> a)")), qPrintable(dump(circle.diagnostics)));
}

void Tst_composeimporter::profilesAreKeptWithANote()
{
    const ImportedPlan plan = ComposeImporter::read(readCorpus(corpus("voting_app_docker-compose.yml")));
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    const ImportedResource *seed = find(plan, QStringLiteral("seed"));
    QVERIFY(seed);
    // As docker compose: not run unless its profile is chosen (--profile seed, COMPOSE_PROFILES).
    QVERIFY(!seed->run);
    QCOMPARE(seed->note, QStringLiteral("only with profile seed: not run unless it is chosen (--profile seed, or COMPOSE_PROFILES=seed)"));
    QCOMPARE(seed->source["profiles"], nlohmann::ordered_json::array({"seed"}));
    QCOMPARE(seed->source.value("build", std::string()), std::string("./seed-data"));
    QVERIFY(find(plan, QStringLiteral("vote"))->note.isEmpty());
    QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(dump(plan.diagnostics)));

    for (const QStringList &active : {QStringList{QStringLiteral("seed")}, QStringList{QStringLiteral("*")}}) {
        const ImportedPlan chosen = ComposeImporter::read(readCorpus(corpus("voting_app_docker-compose.yml")), active);
        QVERIFY(find(chosen, QStringLiteral("seed"))->run);
        QCOMPARE(find(chosen, QStringLiteral("seed"))->note, QStringLiteral("only with profile seed, which is chosen"));
    }
}

void Tst_composeimporter::overlayImportsWithWarnings()
{
    // checkout and otel-collector are patches for compose.yaml: services of this file, but with
    // neither image nor build, which the user is told about.
    const ImportedPlan plan = ComposeImporter::read(readCorpus(corpus("otel_demo_compose_full_overlay.yaml")));
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(plan.diagnostics.size(), 2);
    QCOMPARE(plan.diagnostics[0].path, QStringLiteral("services.checkout"));
    QCOMPARE(plan.diagnostics[0].line, 127);
    QVERIFY(plan.diagnostics[0].message.contains(QLatin1String("config > merged.yaml")));
    QCOMPARE(plan.diagnostics[1].path, QStringLiteral("services[\"otel-collector\"]"));
    QCOMPARE(plan.diagnostics[1].line, 136);
}

void Tst_composeimporter::truncatedCorpusFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("errorLine");   // of the first error; 0: the cut left a valid file
    QTest::addColumn<QString>("message"); // a part of the first error
    QTest::addColumn<int>("services");    // the services the first half defines

    // Each file is cut at the middle byte of its text, which is mid-line in every one of them.
    // Cut after "      - " in db's environment (line 21): YAML reads a null entry, and db, the one
    // service above the cut, waits for nothing. A valid file; Compose would refuse the null
    // environment entry, which Fanout does not read.
    QTest::newRow("awesome-compose") << corpus("awesome_compose_nginx-flask-mysql.yaml") << 0 << QString() << 1;
    // Cut inside postgres' healthcheck (line 51): netbox still waits for redis, now undefined.
    QTest::newRow("netbox") << corpus("netbox_docker-compose_anchors.yml") << 6
                            << "services.netbox.depends_on[1]: depends on undefined service \"redis\"" << 4;
    // Cut in load-generator's environment (line 428): ad waits for otel-collector, defined at the end.
    QTest::newRow("otel core") << corpus("otel_demo_compose_core.yaml") << 72
                               << "depends on undefined service \"otel-collector\"" << 9;
    QTest::newRow("otel overlay") << corpus("otel_demo_compose_full_overlay.yaml") << 35
                                  << "services.accounting.depends_on[\"otel-collector\"]: depends on undefined service" << 2;
    QTest::newRow("otel 29") << corpus("otel_demo_docker-compose_29svc.yml") << 42
                             << "depends on undefined service \"otel-collector\"" << 13;
    QTest::newRow("voting app") << corpus("voting_app_docker-compose.yml") << 11
                                << "services.vote.depends_on.redis: depends on undefined service \"redis\"" << 3;
    // Cut after "  worker" (line 34), before its colon: a service with no value. sut's wait for
    // worker is not reported again; vote's for redis is.
    QTest::newRow("voting test v2") << corpus("voting_app_result_test_v2.yml") << 18
                                    << "services.vote.depends_on[0]: depends on undefined service \"redis\"" << 3;
}

void Tst_composeimporter::truncatedCorpusFiles()
{
    QFETCH(QString, file);
    QFETCH(int, errorLine);
    QFETCH(QString, message);
    QFETCH(int, services);

    const std::string text = readCorpus(file);
    const std::string half = text.substr(0, text.size() / 2);
    QVERIFY2(half.back() != '\n', "the cut is mid-line");
    const ImportedPlan plan = ComposeImporter::read(half);
    QCOMPARE(plan.resources.size(), services);
    if (errorLine == 0) {
        QVERIFY2(plan.diagnostics.isEmpty(), qPrintable(dump(plan.diagnostics)));
        return;
    }
    const Diagnostic *e = firstError(plan.diagnostics);
    QVERIFY2(e, "no error");
    QCOMPARE(e->line, errorLine);
    QVERIFY2(e->toString().contains(message), qPrintable(e->toString()));
    for (const Diagnostic &d : plan.diagnostics)
        QVERIFY2(d.line > 0, qPrintable(dump(plan.diagnostics)));
}

void Tst_composeimporter::neverCrashesOnAnyTruncation_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("step"); // cut every `step` bytes

    // Every byte of the file with anchors and merge keys; fewer of the others (yaml-cpp reads
    // about 3 MB/s, and every cut reads the text again).
    QTest::newRow("netbox, every byte") << corpus("netbox_docker-compose_anchors.yml") << 1;
    QTest::newRow("voting app, every 3rd byte") << corpus("voting_app_docker-compose.yml") << 3;
    QTest::newRow("voting test v2, every byte") << corpus("voting_app_result_test_v2.yml") << 1;
    QTest::newRow("otel overlay, every 11th byte") << corpus("otel_demo_compose_full_overlay.yaml") << 11;
    QTest::newRow("otel 29, every 97th byte") << corpus("otel_demo_docker-compose_29svc.yml") << 97;
}

void Tst_composeimporter::neverCrashesOnAnyTruncation()
{
    QFETCH(QString, file);
    QFETCH(int, step);

    const std::string text = readCorpus(file);
    QVERIFY(!text.empty());
    for (std::size_t cut = 0; cut < text.size(); cut += std::size_t(step)) {
        const ImportedPlan plan = ComposeImporter::read(text.substr(0, cut));
        const QString where = QStringLiteral("cut at byte %1:\n%2").arg(cut).arg(dump(plan.diagnostics));
        // Either it imported, or it says why; every problem found in the file says where.
        QVERIFY2(plan.hasErrors() || !plan.resources.isEmpty(), qPrintable(where));
        for (const Diagnostic &d : plan.diagnostics) {
            QVERIFY2(!d.message.isEmpty(), qPrintable(where));
            QVERIFY2(d.path.isEmpty() || d.line > 0, qPrintable(where));
        }
        for (const ImportedResource &r : plan.resources) {
            for (const QString &d : r.dependsOn)
                QVERIFY2(find(plan, d) && d != r.address, qPrintable(where));
        }
    }
}

void Tst_composeimporter::dependencies_data()
{
    QTest::addColumn<QStringList>("file");
    QTest::addColumn<QStringList>("edges"); // every edge, sorted

    const QString db = QStringLiteral("  db: {image: postgres}");
    QTest::newRow("list form")
        << QStringList{QStringLiteral("services:"), QStringLiteral("  web:"), QStringLiteral("    image: nginx"),
                       QStringLiteral("    depends_on: [db, cache]"), db, QStringLiteral("  cache: {image: redis}")}
        << QStringList{QStringLiteral("web>cache"), QStringLiteral("web>db")};
    QTest::newRow("map form")
        << QStringList{QStringLiteral("services:"), QStringLiteral("  web:"), QStringLiteral("    image: nginx"),
                       QStringLiteral("    depends_on:"), QStringLiteral("      db:"), QStringLiteral("        condition: service_healthy"),
                       QStringLiteral("      cache:"), QStringLiteral("        condition: service_started"), QStringLiteral("        required: false"),
                       db, QStringLiteral("  cache: {image: redis}")}
        << QStringList{QStringLiteral("web>cache"), QStringLiteral("web>db")};
    QTest::newRow("links with and without alias")
        << QStringList{QStringLiteral("services:"), QStringLiteral("  web:"), QStringLiteral("    image: nginx"),
                       QStringLiteral("    links: [db, \"cache:redis\"]"), db, QStringLiteral("  cache: {image: redis}")}
        << QStringList{QStringLiteral("web>cache"), QStringLiteral("web>db")};
    QTest::newRow("volumes_from, not containers")
        << QStringList{QStringLiteral("services:"), QStringLiteral("  web:"), QStringLiteral("    image: nginx"),
                       QStringLiteral("    volumes_from: [data, \"logs:ro\", \"container:legacy\", \"container:old:rw\"]"),
                       QStringLiteral("  data: {image: busybox}"), QStringLiteral("  logs: {image: busybox}")}
        << QStringList{QStringLiteral("web>data"), QStringLiteral("web>logs")};
    QTest::newRow("network_mode service")
        << QStringList{QStringLiteral("services:"), QStringLiteral("  app:"), QStringLiteral("    image: app"),
                       QStringLiteral("    network_mode: \"service:vpn\""), QStringLiteral("  vpn: {image: gluetun}"),
                       QStringLiteral("  host:"), QStringLiteral("    image: x"), QStringLiteral("    network_mode: host")}
        << QStringList{QStringLiteral("app>vpn")};
    QTest::newRow("each once across fields")
        << QStringList{QStringLiteral("services:"), QStringLiteral("  web:"), QStringLiteral("    image: nginx"),
                       QStringLiteral("    depends_on: [db]"), QStringLiteral("    links: [\"db:database\"]"),
                       QStringLiteral("    volumes_from: [\"db:ro\"]"), QStringLiteral("    network_mode: \"service:db\""), db}
        << QStringList{QStringLiteral("web>db")};
    QTest::newRow("merge key supplies depends_on")
        << QStringList{QStringLiteral("x-app: &app"), QStringLiteral("  image: app"), QStringLiteral("  depends_on: [db]"),
                       QStringLiteral("services:"), QStringLiteral("  api:"), QStringLiteral("    <<: *app"),
                       QStringLiteral("  jobs:"), QStringLiteral("    <<: *app"), QStringLiteral("    depends_on: [api]"), db}
        << QStringList{QStringLiteral("api>db"), QStringLiteral("jobs>api")};
    QTest::newRow("merge key list, first wins")
        << QStringList{QStringLiteral("x-a: &a {depends_on: [db]}"), QStringLiteral("x-b: &b {image: b, depends_on: [cache]}"),
                       QStringLiteral("services:"), QStringLiteral("  api:"), QStringLiteral("    <<: [*a, *b]"),
                       db, QStringLiteral("  cache: {image: redis}")}
        << QStringList{QStringLiteral("api>db")};
    QTest::newRow("extension fields ignored")
        << QStringList{QStringLiteral("x-depends_on: [nothing]"), QStringLiteral("services:"), QStringLiteral("  web:"),
                       QStringLiteral("    image: nginx"), QStringLiteral("    x-depends_on: [nothing]")}
        << QStringList();
}

void Tst_composeimporter::dependencies()
{
    QFETCH(QStringList, file);
    QFETCH(QStringList, edges);

    const ImportedPlan plan = ComposeImporter::read(yaml(file));
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(::edges(plan), edges);
}

void Tst_composeimporter::problems_data()
{
    QTest::addColumn<QStringList>("file");
    QTest::addColumn<bool>("isError");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("line");
    QTest::addColumn<QString>("message"); // a part of it

    const QString services = QStringLiteral("services:");
    const QString web = QStringLiteral("  web:");
    const QString nginx = QStringLiteral("    image: nginx");
    QTest::newRow("undefined in list")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on:"), QStringLiteral("      - dbb"), QStringLiteral("  db: {image: postgres}")}
        << true << "services.web.depends_on[0]" << 5
        << "depends on undefined service \"dbb\" (did you mean \"db\"?); docker compose rejects this file too";
    QTest::newRow("undefined in map, overlay hint")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on:"), QStringLiteral("      db:"), QStringLiteral("        condition: service_healthy")}
        << true << "services.web.depends_on.db" << 5
        << "import the merged file: docker compose -f a.yaml -f b.yaml config > merged.yaml";
    QTest::newRow("undefined even if not required")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on:"), QStringLiteral("      db: {condition: service_started, required: false}")}
        << true << "services.web.depends_on.db" << 5 << "depends on undefined service \"db\"";
    QTest::newRow("undefined link")
        << QStringList{services, web, nginx, QStringLiteral("    links:"), QStringLiteral("      - \"db:database\"")}
        << true << "services.web.links[0]" << 5 << "depends on undefined service \"db\" (through links)";
    QTest::newRow("undefined volumes_from")
        << QStringList{services, web, nginx, QStringLiteral("    volumes_from: [\"data:ro\"]")}
        << true << "services.web.volumes_from[0]" << 4 << "depends on undefined service \"data\" (through volumes_from)";
    QTest::newRow("undefined network_mode")
        << QStringList{services, web, nginx, QStringLiteral("    network_mode: \"service:vpn\"")}
        << true << "services.web.network_mode" << 4 << "depends on undefined service \"vpn\" (through network_mode)";
    QTest::newRow("undefined through merge key, placed at the anchor")
        << QStringList{QStringLiteral("x-app: &app"), QStringLiteral("  depends_on: [db]"), services, web, QStringLiteral("    <<: *app"), nginx}
        << true << "services.web.depends_on[0]" << 2 << "depends on undefined service \"db\"";
    QTest::newRow("self")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on: [web]")}
        << true << "services.web.depends_on[0]" << 4 << "\"web\" depends on itself";
    QTest::newRow("no services")
        << QStringList{QStringLiteral("version: '3'"), QStringLiteral("volumes: {data: {}}")}
        << true << "" << 0 << "there is no \"services\" mapping";
    QTest::newRow("format 1")
        << QStringList{QStringLiteral("web:"), nginx}
        << true << "" << 0 << "Compose file format 1";
    QTest::newRow("only a template")
        << QStringList{QStringLiteral("x-app: &app {image: app}"), QStringLiteral("volumes: {data: {}}")}
        << true << "" << 0 << "there is no \"services\" mapping, so this is not a Compose file";
    QTest::newRow("services a list")
        << QStringList{services, QStringLiteral("  - web")}
        << true << "services" << 1 << "must be a mapping of service names to services";
    QTest::newRow("services empty")
        << QStringList{QStringLiteral("services: {}")}
        << true << "services" << 1 << "defines no services";
    QTest::newRow("services null")
        << QStringList{QStringLiteral("name: x"), services}
        << true << "services" << 2 << "not empty";
    QTest::newRow("not a mapping")
        << QStringList{QStringLiteral("- web")}
        << true << "" << 0 << "a Compose file is a mapping with \"services\" at the top, not a list";
    QTest::newRow("empty file")
        << QStringList{QStringLiteral("# nothing")}
        << true << "" << 0 << "the file is empty";
    QTest::newRow("service a string")
        << QStringList{services, QStringLiteral("  web: nginx")}
        << true << "services.web" << 2 << "a service is a mapping such as {image: nginx}, not \"nginx\"";
    QTest::newRow("bad service name")
        << QStringList{services, QStringLiteral("  \"web app\": {image: nginx}")}
        << true << "services[\"web app\"]" << 2 << "is not a service name Compose accepts";
    QTest::newRow("depends_on a string")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on: db")}
        << true << "services.web.depends_on" << 4 << "must be a list of services, such as [db], or a mapping";
    QTest::newRow("depends_on entry a number")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on: [3]")}
        << true << "services.web.depends_on[0]" << 4 << "must be a name, not 3";
    QTest::newRow("depends_on entry a list")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on:"), QStringLiteral("      db: [healthy]"), QStringLiteral("  db: {image: postgres}")}
        << true << "services.web.depends_on.db" << 5 << "must be a mapping such as {condition: service_healthy}, not a list";
    QTest::newRow("unknown condition")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on:"), QStringLiteral("      db:"), QStringLiteral("        condition: service_healty"),
                       QStringLiteral("  db: {image: postgres}")}
        << true << "services.web.depends_on.db.condition" << 6 << "(did you mean \"service_healthy\"?)";
    QTest::newRow("required not a boolean")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on:"), QStringLiteral("      db: {required: \"false\"}"), QStringLiteral("  db: {image: postgres}")}
        << true << "services.web.depends_on.db.required" << 5 << "must be true or false, not \"false\"";
    QTest::newRow("image a list")
        << QStringList{services, web, QStringLiteral("    image: [nginx]")}
        << true << "services.web.image" << 3 << "must be an image name";
    QTest::newRow("profiles a string")
        << QStringList{services, web, nginx, QStringLiteral("    profiles: debug")}
        << true << "services.web.profiles" << 4 << "must be a list of profile names";
    QTest::newRow("network_mode a number")
        << QStringList{services, web, nginx, QStringLiteral("    network_mode: 3")}
        << true << "services.web.network_mode" << 4 << "must be a string";
    QTest::newRow("name a number")
        << QStringList{QStringLiteral("name: 3"), services, web, nginx}
        << true << "name" << 1 << "the project name must be a string";
    QTest::newRow("syntax error")
        << QStringList{services, web, QStringLiteral("    image: [nginx"), QStringLiteral("  db: {image: postgres}")}
        << true << "" << 4 << "not valid YAML";
    QTest::newRow("neither image nor build")
        << QStringList{services, web, QStringLiteral("    environment: [A=1]")}
        << false << "services.web" << 2 << "has neither \"image\" nor \"build\"";
    QTest::newRow("extends not followed")
        << QStringList{services, web, nginx, QStringLiteral("    extends: {file: common.yaml, service: base}")}
        << false << "services.web.extends" << 4 << "is not followed";
    QTest::newRow("include not followed")
        << QStringList{QStringLiteral("include: [db.yaml]"), services, web, nginx}
        << false << "include" << 1 << "the included files are not read";
    QTest::newRow("depends on a profile service")
        << QStringList{services, web, nginx, QStringLiteral("    depends_on: [debug]"), QStringLiteral("  debug:"),
                       QStringLiteral("    image: busybox"), QStringLiteral("    profiles: [debug]")}
        << false << "services.web.depends_on[0]" << 4 << "\"debug\" runs only with profile debug, so docker compose rejects this dependency";
}

void Tst_composeimporter::problems()
{
    QFETCH(QStringList, file);
    QFETCH(bool, isError);
    QFETCH(QString, path);
    QFETCH(int, line);
    QFETCH(QString, message);

    const ImportedPlan plan = ComposeImporter::read(yaml(file));
    QVERIFY2(!plan.diagnostics.isEmpty(), "no diagnostics");
    const Diagnostic &d = plan.diagnostics.first();
    QVERIFY2(d.isError() == isError, qPrintable(dump(plan.diagnostics)));
    QCOMPARE(plan.hasErrors(), isError);
    QCOMPARE(d.path, path);
    QCOMPARE(d.line, line);
    QVERIFY2(d.message.contains(message), qPrintable(d.message));
}

void Tst_composeimporter::keepsTheFactsInSource()
{
    const ImportedPlan plan = ComposeImporter::read(yaml({
        QStringLiteral("services:"),
        QStringLiteral("  web:"),
        QStringLiteral("    build: {context: ./web, target: dev}"),
        QStringLiteral("    container_name: web-1"),
        QStringLiteral("    profiles: [debug, test]"),
        QStringLiteral("    depends_on:"),
        QStringLiteral("      db: {condition: service_healthy}"),
        QStringLiteral("      cache: {condition: service_started, required: false}"),
        QStringLiteral("    links: [\"db:database\"]"),
        QStringLiteral("  db:"),
        QStringLiteral("    image: postgres:16"),
        QStringLiteral("    build: {dockerfile: db.Dockerfile}"),
        QStringLiteral("  cache: {image: redis}"),
    }));
    QVERIFY2(!plan.hasErrors(), qPrintable(dump(plan.diagnostics)));
    QCOMPARE(plan.resources.size(), 3);
    const ImportedResource &web = plan.resources[0];
    QCOMPARE(web.address, QStringLiteral("web"));
    QCOMPARE(web.name, QStringLiteral("web"));
    QCOMPARE(web.note, QStringLiteral("only with profile debug or test: not run unless it is chosen (--profile debug, or COMPOSE_PROFILES=debug)"));
    QCOMPARE(web.dependsOn, (QStringList{QStringLiteral("db"), QStringLiteral("cache")}));
    const auto expected = nlohmann::ordered_json::parse(
        "{\"build\": \"./web\", \"container_name\": \"web-1\", \"profiles\": [\"debug\", \"test\"],"
        " \"depends_on\": {\"db\": \"service_healthy\", \"cache\": \"service_started\"}, \"required\": {\"cache\": false},"
        " \"links\": [\"db:database\"]}");
    QCOMPARE(QString::fromStdString(web.source.dump()), QString::fromStdString(expected.dump()));
    // Compose's default build context is the project directory.
    QCOMPARE(QString::fromStdString(plan.resources[1].source.dump()), QStringLiteral("{\"image\":\"postgres:16\",\"build\":\".\"}"));
}

void Tst_composeimporter::jsonComposeFile()
{
    const ImportedPlan plan = ComposeImporter::read(
        "{\"name\": \"shop\", \"services\": {\n"
        "  \"web\": {\"image\": \"nginx\", \"depends_on\": {\"db\": {\"condition\": \"service_healthy\"}}},\n"
        "  \"api\": {\"image\": \"api\", \"depends_on\": [\"dbx\"]},\n"
        "  \"db\": {\"image\": \"postgres\"}}}\n");
    QCOMPARE(plan.name, QStringLiteral("shop"));
    QCOMPARE(plan.resources.size(), 3);
    QCOMPARE(plan.resources[0].dependsOn, QStringList{QStringLiteral("db")});
    const Diagnostic *e = firstError(plan.diagnostics);
    QVERIFY(e);
    QCOMPARE(e->path, QStringLiteral("services.api.depends_on[0]"));
    QCOMPARE(e->line, 3);
    QVERIFY(e->message.contains(QLatin1String("depends on undefined service \"dbx\" (did you mean \"db\"?)")));
}

void Tst_composeimporter::planName()
{
    QCOMPARE(ComposeImporter::read(yaml({QStringLiteral("name: shop"), QStringLiteral("services:"), QStringLiteral("  web: {image: nginx}")})).name,
             QStringLiteral("shop"));
    QCOMPARE(ComposeImporter::read(readCorpus(corpus("voting_app_docker-compose.yml"))).name, QString());
}

QTEST_GUILESS_MAIN(Tst_composeimporter)
#include "tst_composeimporter.moc"
