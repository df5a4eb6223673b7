#!/usr/bin/python3
"""Self-test of standin.py, the Argo Server stand-in: python3 tests/argo/test_standin.py

Starts the stand-in (--speed 100, with a token, --fail rules, --drop-stream-after, --drop-logs-after
and an injected error) and talks to it as a client of Argo's REST API would: submits small workflows
built here (like the ones `fanout export --format argo` writes: a DAG "deploy", tasks whose templates
are DAGs of one task "provision", retryStrategy with string limits, semaphores), follows their
Server-Sent Events, reads logs, retries, stops, terminates. Needs only the standard library, jsonschema and yaml.
When the fanout binary has been built, the export of tests/fixtures/plans/argo-stack.json is played
too. Takes a few seconds.
"""
import copy
import http.client
import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time
import unittest

import argoschema  # beside this file: Argo's schema, made strict
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
STANDIN = os.path.join(HERE, "standin.py")
FANOUT = os.path.join(ROOT, "build", "app", "fanout")
TOKEN = "s3cret"
NS = "argo"
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")

server = None
port = None


def setUpModule():
    global server, port
    server = subprocess.Popen(
        [sys.executable, STANDIN, "--port", "0", "--speed", "100", "--token", TOKEN,
         "--fail", "flaky:1", "--fail", "doomed", "--fail", "twice:3",
         "--drop-stream-after", "5", "--drop-logs-after", "4", "--status-for", r"^/api/v1/workflows/forbidden/=403"],
        stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([server.stdout], [], [], 15)
    assert ready, "the stand-in did not say it was listening"
    line = server.stdout.readline().strip()
    match = re.fullmatch(r"listening on http://127\.0\.0\.1:(\d+)", line)
    assert match, f"unexpected first line {line!r}"
    port = int(match.group(1))


def tearDownModule():
    server.terminate()
    code = server.wait(5)
    assert code == 0, f"the stand-in exited {code} on SIGTERM"


# ---------------------------------------------------------------------------------------------------
# A client of Argo's REST API, just enough for the tests.

def call(method, path, body=None, token=TOKEN, timeout=10):
    """(HTTP status, JSON body) of one request."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, json.loads(data) if data else None


def submit(workflow, expect=200):
    status, body = call("POST", f"/api/v1/workflows/{NS}", {"namespace": NS, "workflow": workflow})
    assert status == expect, (status, body)
    return body


def open_stream(path, sse=True, token=TOKEN, timeout=10):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Authorization": f"Bearer {token}"}
    if sse:
        headers["Accept"] = "text/event-stream"
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    assert response.status == 200, (response.status, response.read())
    return connection, response


def messages(response, sse=True):
    """The JSON messages of a stream, until it ends; yields None last if it was cut (no last chunk)."""
    try:
        while True:
            line = response.readline()
            if not line:
                return
            if sse:
                assert line.startswith(b"data: "), line
                assert response.readline() == b"\n", "an SSE event ends with a blank line"
                yield json.loads(line[len(b"data: "):])
            else:
                yield json.loads(line)
    except (http.client.IncompleteRead, ConnectionError):
        yield None


def raw_stream(path):
    """(socket, bytes read) of a GET for an SSE stream, once its headers came: the stream is in place."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                 f"Authorization: Bearer {TOKEN}\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        part = sock.recv(65536)
        assert part, "the stream closed before its headers"
        data += part
    return sock, data


def read_chunks(sock, data):
    """Everything until the server closes: (headers, [chunk bytes], whether the last chunk 0 came)."""
    while True:
        part = sock.recv(65536)
        if not part:
            break
        data += part
    sock.close()
    head, _, body = data.partition(b"\r\n\r\n")
    chunks = []
    while body:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return head.decode(), chunks, True
        chunks.append(rest[:size])
        assert rest[size:size + 2] == b"\r\n", "a chunk ends with CRLF"
        body = rest[size + 2:]
    return head.decode(), chunks, False


def events_path(name, resource_version=None):
    path = f"/api/v1/workflow-events/{NS}?listOptions.fieldSelector=metadata.name={name}"
    return path + (f"&listOptions.resourceVersion={resource_version}" if resource_version else "")


def follow(name, until=lambda wf: wf["status"]["phase"] != "Running", timeout=15):
    """The workflows of the events of a workflow's stream, until `until` holds (a list)."""
    connection, response = open_stream(events_path(name), timeout=timeout)
    seen = []
    try:
        for message in messages(response):
            assert message is not None, "the stream broke"
            seen.append(message["result"]["object"])
            if until(seen[-1]):
                return seen
        raise AssertionError("the stream ended before the workflow did")
    finally:
        connection.close()


def by_name(wf):
    return {n["name"]: n for n in wf["status"]["nodes"].values()}


def fnv1a32(text):
    h = 0x811C9DC5
    for byte in text.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


# ---------------------------------------------------------------------------------------------------
# Workflows like fanout's exports, small.

RETRY = {"limit": "2", "retryPolicy": "Always", "backoff": {"duration": "2s", "factor": "3", "cap": "1m"}}


def container(command, retry=RETRY, deadline="600"):
    template = {"container": {"image": "busybox:1.36", "command": command}, "activeDeadlineSeconds": deadline}
    if retry:
        template["retryStrategy"] = copy.deepcopy(retry)
    return template


def workflow(tasks, templates, name=None, parallelism=2, fail_fast=True):
    """A Workflow: DAG "deploy" of tasks [(name, template, [dependencies])], and the templates {name: template}."""
    dag_tasks = []
    for task, template, dependencies in tasks:
        entry = {"name": task, "template": template}
        if dependencies:
            entry["dependencies"] = dependencies
        dag_tasks.append(entry)
    wf = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
          "metadata": {"labels": {"app.kubernetes.io/managed-by": "fanout"}},
          "spec": {"entrypoint": "deploy", "parallelism": parallelism, "activeDeadlineSeconds": 3600,
                   "arguments": {"parameters": [{"name": "region", "value": "eu-west-1"}]},
                   "templates": [{"name": "deploy", "dag": {"failFast": fail_fast, "tasks": dag_tasks}}]
                   + [dict(name=n, **t) for n, t in templates.items()]}}
    if name:
        wf["metadata"]["name"] = name
    else:
        wf["metadata"]["generateName"] = "test-"
    return wf


def stack(name=None):
    """vpc (a DAG around "provision", with an output) -> subnet-a, subnet-b -> db (semaphore) -> app, cache (http) -> dns."""
    templates = {
        "vpc": {"dag": {"tasks": [{"name": "provision", "template": "vpc-provision"}]},
                "outputs": {"parameters": [{"name": "vpc_id", "valueFrom": {"expression":
                    "sprig.trimPrefix('::output vpc_id=', sprig.last(sprig.regexFindAll('(?m)^::output vpc_id=.*$', tasks.provision.outputs.result, -1)))"}}]}},
        "vpc-provision": container(["/bin/sh", "-c", "sleep 5 && echo 'creating vpc in {{workflow.parameters.region}}' && echo '::output vpc_id=vpc-123'"]),
        "subnet-a": container(["/bin/sh", "-c", "echo creating subnet a in {{tasks.vpc.outputs.parameters.vpc_id}}"]),
        "subnet-b": container(["sleep", "12"]),
        "db": dict(container(["/bin/sh", "-c", "sleep 20 && echo '::output endpoint=db:5432'"]),
                   synchronization={"semaphores": [{"configMapKeyRef": {"name": "limits", "key": "rds"}}]}),
        "app": container(["deploy-app", "--subnets", "a,b"], retry=None),
        "cache": {"http": {"url": "https://api.example.com/cache", "method": "POST", "timeoutSeconds": 30},
                  "retryStrategy": copy.deepcopy(RETRY)},
        "dns": container(["sleep", "3"]),
    }
    tasks = [("vpc", "vpc", []), ("subnet-a", "subnet-a", ["vpc"]), ("subnet-b", "subnet-b", ["vpc"]),
             ("db", "db", ["subnet-a", "subnet-b"]), ("app", "app", ["db"]), ("cache", "cache", ["db"]),
             ("dns", "dns", ["app", "cache"])]
    return workflow(tasks, templates, name=name, parallelism=2)


# ---------------------------------------------------------------------------------------------------
# What every snapshot of a workflow must respect.

VALIDATOR = argoschema.workflow_validator()


def check_snapshot(test, wf):
    """No task started before its dependencies succeeded; never more pods than spec.parallelism."""
    templates = {t["name"]: t for t in wf["spec"]["templates"]}
    nodes = by_name(wf)
    for node in nodes.values():
        if node["type"] != "DAG":
            continue
        for task in templates[node["templateName"]]["dag"]["tasks"]:
            task_node = nodes.get(f"{node['name']}.{task['name']}")
            if task_node is None or task_node["phase"] == "Omitted":
                continue
            for dep in task.get("dependencies", []):
                dep_node = nodes.get(f"{node['name']}.{dep}")
                test.assertTrue(dep_node and dep_node["phase"] == "Succeeded",
                                f"{task_node['name']} is {task_node['phase']} while {dep} is {dep_node and dep_node['phase']}")
    active = [n for n in nodes.values() if n["type"] in ("Pod", "HTTP") and n["phase"] in ("Pending", "Running")]
    test.assertLessEqual(len(active), wf["spec"].get("parallelism", 10 ** 6), [n["name"] for n in active])


def check_valid(test, wf):
    problems = ["/".join(map(str, e.absolute_path)) + ": " + e.message for e in VALIDATOR.iter_errors(wf)]
    test.assertEqual(problems, [], "the stand-in's workflow does not follow Argo's schema")


class StandinTest(unittest.TestCase):
    maxDiff = None

    # The first event stream of the run: dropped after 5 events, resumed by resourceVersion.
    def test_01_stack_run_stream_dropped_and_resumed(self):
        name = "stack-main"
        created = submit(stack(name))
        # every change after the creation (a watch from the create answer's resourceVersion)
        sock, data = raw_stream(events_path(name, created["metadata"]["resourceVersion"]))
        self.assertEqual(created["metadata"]["name"], name)
        self.assertEqual(created["status"]["phase"], "Running")
        self.assertIn(name, created["status"]["nodes"])
        head, chunks, ended = read_chunks(sock, data)
        self.assertTrue(head.startswith("HTTP/1.1 200"), head)
        self.assertIn("Transfer-Encoding: chunked", head)
        self.assertIn("Content-Type: text/event-stream", head)
        self.assertFalse(ended, "the first stream is cut (--drop-stream-after 5), not ended")
        self.assertEqual(len(chunks), 5, "one event a chunk")
        for chunk in chunks:
            self.assertTrue(chunk.startswith(b"data: {") and chunk.endswith(b"}\n\n") and chunk.count(b"\n") == 2, chunk[:80])
        first = [json.loads(chunk[len(b"data: "):]) for chunk in chunks]
        last_rv = first[-1]["result"]["object"]["metadata"]["resourceVersion"]
        connection, response = open_stream(events_path(name, last_rv))
        rest = []
        for message in messages(response):
            self.assertIsNotNone(message)
            rest.append(message)
            if message["result"]["object"]["status"]["phase"] != "Running":
                break
        connection.close()
        events = first + rest
        types = [e["result"]["type"] for e in events]
        self.assertEqual(types, ["MODIFIED"] * len(events))
        versions = [int(e["result"]["object"]["metadata"]["resourceVersion"]) for e in events]
        self.assertEqual(versions, list(range(versions[0], versions[0] + len(versions))),
                         "every change, once, in order, across the reconnection")
        self.assertEqual(versions[0], int(created["metadata"]["resourceVersion"]) + 1)
        snapshots = [created] + [e["result"]["object"] for e in events]
        for wf in snapshots:
            check_snapshot(self, wf)
        final = snapshots[-1]
        check_valid(self, final)
        status, fetched = call("GET", f"/api/v1/workflows/{NS}/{name}")
        self.assertEqual((status, fetched), (200, final))

        self.assertEqual(final["status"]["phase"], "Succeeded")
        self.assertTrue(TIME.match(final["status"]["finishedAt"]))
        self.assertEqual(final["metadata"]["labels"]["workflows.argoproj.io/completed"], "true")
        nodes = by_name(final)
        root = nodes[name]
        self.assertEqual((root["id"], root["type"], root["displayName"], root["templateName"]), (name, "DAG", name, "deploy"))
        for node in nodes.values():
            self.assertEqual(node["phase"], "Succeeded", node["name"])
            self.assertEqual(node["id"], name if node["name"] == name else f"{name}-{fnv1a32(node['name'])}")
            self.assertTrue(TIME.match(node["startedAt"]) and TIME.match(node["finishedAt"]))
        kinds = {n["name"][len(name) + 1:]: n["type"] for n in nodes.values() if n["name"] != name}
        self.assertEqual(kinds, {
            "vpc": "DAG", "vpc.provision": "Retry", "vpc.provision(0)": "Pod",
            "subnet-a": "Retry", "subnet-a(0)": "Pod", "subnet-b": "Retry", "subnet-b(0)": "Pod",
            "db": "Retry", "db(0)": "Pod", "app": "Pod", "cache": "Retry", "cache(0)": "HTTP",
            "dns": "Retry", "dns(0)": "Pod"})
        vpc, provision = nodes[f"{name}.vpc"], nodes[f"{name}.vpc.provision"]
        self.assertEqual(provision["boundaryID"], vpc["id"])
        self.assertEqual(vpc["boundaryID"], root["id"])
        self.assertEqual(provision["children"], [nodes[f"{name}.vpc.provision(0)"]["id"]])
        self.assertEqual(nodes[f"{name}.vpc.provision(0)"]["outputs"]["exitCode"], "0")
        self.assertEqual(vpc["outputs"]["parameters"], [{"name": "vpc_id", "value": "vpc-123"}])
        # Argo's graph: a task hangs under the outbound nodes (last attempts) of its dependencies
        self.assertIn(nodes[f"{name}.db"]["id"], nodes[f"{name}.subnet-a(0)"]["children"])
        self.assertIn(nodes[f"{name}.db"]["id"], nodes[f"{name}.subnet-b(0)"]["children"])
        self.assertEqual(final["status"]["progress"], "7/7")
        # each pod went Pending -> Running -> Succeeded, each state seen
        for pod in (n for n in nodes.values() if n["type"] in ("Pod", "HTTP")):
            phases = []
            for wf in snapshots:
                node = wf["status"]["nodes"].get(pod["id"])
                if node and (not phases or phases[-1] != node["phase"]):
                    phases.append(node["phase"])
            self.assertEqual(phases, ["Pending", "Running", "Succeeded"], pod["name"])
        # parallelism 2 was reached (subnet-a and subnet-b together)
        self.assertTrue(any(sum(n["type"] == "Pod" and n["phase"] == "Running" for n in wf["status"]["nodes"].values()) == 2
                            for wf in snapshots))

    # The first log stream: cut after 4 lines; the next one sends every line again, from the first,
    # and ends (its last chunk) as the workflow has ended.
    def test_01b_log_stream_dropped_then_whole(self):
        name = "stack-main"
        path = f"/api/v1/workflows/{NS}/{name}/log?logOptions.container=main&logOptions.follow=true"
        sock, data = raw_stream(path)
        head, chunks, ended = read_chunks(sock, data)
        self.assertTrue(head.startswith("HTTP/1.1 200"), head)
        self.assertFalse(ended, "the first log stream is cut (--drop-logs-after 4), not ended")
        cut = [json.loads(chunk[len(b"data: "):])["result"] for chunk in chunks]
        self.assertEqual(len(cut), 4)
        sock, data = raw_stream(path)
        head, chunks, ended = read_chunks(sock, data)
        self.assertTrue(ended, "a log stream ends once the workflow has ended and every line is sent")
        whole = [json.loads(chunk[len(b"data: "):])["result"] for chunk in chunks]
        self.assertEqual(whole[:4], cut)
        self.assertEqual(len(whole), 12, whole)
        self.assertEqual(len({line["podName"] for line in whole}), 7)

    def test_02_ndjson_watch_and_logs(self):
        name = "stack-main"
        connection, response = open_stream(events_path(name), sse=False)
        message = next(messages(response, sse=False))
        connection.close()
        self.assertEqual(message["result"]["type"], "ADDED")
        self.assertEqual(message["result"]["object"]["status"]["phase"], "Succeeded")
        status, wf = call("GET", f"/api/v1/workflows/{NS}/{name}")
        nodes = by_name(wf)
        pod = f"{name}-vpc-provision-{fnv1a32(name + '.vpc.provision(0)')}"  # Argo's v2 pod name
        connection, response = open_stream(f"/api/v1/workflows/{NS}/{name}/log?podName={pod}&logOptions.container=main&logOptions.follow=true")
        lines = [m["result"] for m in messages(response)]
        connection.close()
        self.assertEqual(lines, [{"content": "creating vpc in eu-west-1", "podName": pod},
                                 {"content": "::output vpc_id=vpc-123", "podName": pod}])
        # the other path, a node id for the pod, NDJSON
        pod_id = nodes[f"{name}.dns(0)"]["id"]
        connection, response = open_stream(f"/api/v1/workflows/{NS}/{name}/{pod_id}/log?logOptions.container=main", sse=False)
        lines = [m["result"]["content"] for m in messages(response, sse=False)]
        connection.close()
        self.assertEqual(lines, ["running dns", "done"])
        # every pod's lines
        connection, response = open_stream(f"/api/v1/workflows/{NS}/{name}/log?logOptions.container=main")
        every = [m["result"] for m in messages(response)]
        connection.close()
        self.assertIn({"content": "creating subnet a in vpc-123", "podName": f"{name}-subnet-a-{fnv1a32(name + '.subnet-a(0)')}"}, every)
        self.assertEqual(len({m["podName"] for m in every}), 7)

    def test_03_log_follow_while_running(self):
        wf = submit(workflow([("talk", "talk", [])], {"talk": container(["/bin/sh", "-c", "echo start && sleep 40 && echo finished"], retry=None)}))
        name = wf["metadata"]["name"]
        pod = f"{name}-talk-{fnv1a32(name + '.talk')}"
        started = time.monotonic()
        connection, response = open_stream(f"/api/v1/workflows/{NS}/{name}/log?podName={pod}&logOptions.container=main&logOptions.follow=true")
        lines = [m["result"]["content"] for m in messages(response)]
        connection.close()
        self.assertEqual(lines, ["start", "finished"])
        self.assertGreater(time.monotonic() - started, 0.3, "the stream follows the pod until it ends")
        status, body = call("GET", f"/api/v1/workflows/{NS}/{name}/log?podName=nope")
        self.assertEqual((status, body["code"]), (404, 5))

    def test_04_fail_with_retries_then_success(self):
        wf = submit(workflow([("flaky", "flaky", []), ("after", "after", ["flaky"])],
                             {"flaky": container(["sleep", "2"]), "after": container(["sleep", "1"])}))
        seen = follow(wf["metadata"]["name"])
        final = seen[-1]
        name = final["metadata"]["name"]
        self.assertEqual(final["status"]["phase"], "Succeeded")
        nodes = by_name(final)
        flaky = nodes[f"{name}.flaky"]
        attempts = [final["status"]["nodes"][c] for c in flaky["children"]]
        self.assertEqual([a["displayName"] for a in attempts], ["flaky(0)", "flaky(1)"])
        self.assertEqual([a["phase"] for a in attempts], ["Failed", "Succeeded"])
        self.assertEqual(attempts[0]["message"], "Error (exit code 1)")
        self.assertEqual(attempts[0]["outputs"]["exitCode"], "1")
        self.assertEqual(attempts[0]["nodeFlag"], {"retried": True})
        self.assertIn("Backoff for 2 seconds", [by_name(s).get(f"{name}.flaky", {}).get("message") for s in seen])
        self.assertEqual(final["status"]["progress"], "2/3")
        for snapshot in seen:
            check_snapshot(self, snapshot)

    def test_05_failure_omits_dependents(self):
        # failFast false: the independent branch still runs; the failed task's dependents are omitted.
        wf = submit(workflow([("doomed", "doomed", []), ("after", "after", ["doomed"]), ("other", "after", [])],
                             {"doomed": container(["sleep", "1"], retry={"limit": "1", "backoff": {"duration": "1"}}),
                              "after": container(["sleep", "1"])}, fail_fast=False))
        final = follow(wf["metadata"]["name"])[-1]
        name = final["metadata"]["name"]
        nodes = by_name(final)
        doomed = nodes[f"{name}.doomed"]
        self.assertEqual((doomed["phase"], doomed["message"], len(doomed["children"])), ("Failed", "No more retries left", 2))
        after = nodes[f"{name}.after"]
        self.assertEqual((after["type"], after["phase"], after["message"]), ("Skipped", "Omitted", "omitted: depends condition not met"))
        self.assertEqual(nodes[f"{name}.other"]["phase"], "Succeeded")
        self.assertEqual(final["status"]["phase"], "Failed")
        self.assertEqual(final["status"]["message"], f"child '{doomed['id']}' failed")
        check_valid(self, final)

    def test_06_retry_after_failure(self):
        wf = submit(workflow([("first", "first", []), ("twice", "twice", ["first"]), ("after", "after", ["twice"])],
                             {"first": container(["sleep", "1"]), "twice": container(["sleep", "1"], retry={"limit": "1"}),
                              "after": container(["sleep", "1"])}))
        name = wf["metadata"]["name"]
        status, body = call("PUT", f"/api/v1/workflows/{NS}/{name}/retry", {"name": name, "namespace": NS})
        self.assertEqual((status, body["code"], body["message"]), (400, 9, "workflow must be Failed/Error to retry"))
        failed = follow(name)[-1]
        self.assertEqual(failed["status"]["phase"], "Failed")
        before = by_name(failed)
        self.assertEqual(before[f"{name}.twice"]["phase"], "Failed")
        self.assertEqual(before[f"{name}.after"]["phase"], "Omitted")
        status, retried = call("PUT", f"/api/v1/workflows/{NS}/{name}/retry",
                               {"name": name, "namespace": NS, "restartSuccessful": False, "nodeFieldSelector": "displayName=twice"})
        self.assertEqual(status, 200, retried)
        self.assertEqual(retried["status"]["phase"], "Running")
        self.assertNotIn("finishedAt", retried["status"])
        nodes = by_name(retried)
        kept = {k: v for k, v in nodes[f"{name}.first"].items() if k != "progress"}  # its graph below lost the failed nodes
        self.assertEqual(kept, {k: v for k, v in before[f"{name}.first"].items() if k != "progress"}, "a succeeded task is kept")
        self.assertEqual(nodes[f"{name}.twice"]["phase"], "Running")
        self.assertNotIn(f"{name}.twice(0)", nodes)
        self.assertNotIn(f"{name}.after", nodes)
        final = follow(name)[-1]
        self.assertEqual(final["status"]["phase"], "Succeeded")
        nodes = by_name(final)
        # the third attempt in all fails (--fail twice:3), the fourth succeeds
        self.assertEqual([final["status"]["nodes"][c]["phase"] for c in nodes[f"{name}.twice"]["children"]], ["Failed", "Succeeded"])
        self.assertEqual(nodes[f"{name}.after"]["phase"], "Succeeded")
        check_valid(self, final)

    def halting(self, seconds):
        return workflow([("long", "long", []), ("next", "next", ["long"])],
                        {"long": container(["sleep", str(seconds)]), "next": container(["sleep", "1"])})

    def wait_running(self, name, task):
        return follow(name, until=lambda wf: by_name(wf).get(f"{name}.{task}(0)", {}).get("phase") == "Running")[-1]

    def test_07_stop(self):
        name = submit(self.halting(50))["metadata"]["name"]
        self.wait_running(name, "long")
        status, body = call("PUT", f"/api/v1/workflows/{NS}/{name}/stop", {"name": name, "namespace": NS})
        self.assertEqual((status, body["spec"]["shutdown"]), (200, "Stop"))
        final = follow(name)[-1]
        nodes = by_name(final)
        self.assertEqual(nodes[f"{name}.long"]["phase"], "Succeeded", "a running pod finishes, and counts")
        self.assertEqual(nodes[f"{name}.next"]["phase"], "Omitted")
        self.assertEqual((final["status"]["phase"], final["status"]["message"]), ("Failed", "Stopped with strategy 'Stop'"))
        status, body = call("PUT", f"/api/v1/workflows/{NS}/{name}/stop", {"name": name, "namespace": NS})
        self.assertEqual((status, body["code"]), (400, 9))

    def test_08_terminate(self):
        name = submit(self.halting(1000))["metadata"]["name"]  # 10 s at --speed 100
        running = self.wait_running(name, "long")
        started = time.monotonic()
        status, body = call("PUT", f"/api/v1/workflows/{NS}/{name}/terminate", {"name": name, "namespace": NS})
        self.assertEqual((status, body["spec"]["shutdown"]), (200, "Terminate"))
        final = follow(name)[-1]
        self.assertLess(time.monotonic() - started, 3, "terminate does not wait for the pods")
        nodes = by_name(final)
        pod = nodes[f"{name}.long(0)"]
        self.assertEqual((pod["phase"], pod["message"]), ("Failed", "Stopped with strategy 'Terminate'"))
        self.assertEqual(len(nodes[f"{name}.long"]["children"]), 1, "no retry after terminate")
        self.assertEqual((final["status"]["phase"], final["status"]["message"]), ("Failed", "Stopped with strategy 'Terminate'"))
        self.assertTrue(by_name(running)[f"{name}.long(0)"]["phase"] == "Running")

    def test_09_template_deadline(self):
        wf = submit(workflow([("slow", "slow", [])], {"slow": container(["sleep", "100"], retry=None, deadline="10")}))
        final = follow(wf["metadata"]["name"])[-1]
        node = by_name(final)[f"{final['metadata']['name']}.slow"]
        self.assertEqual((node["phase"], node["message"]), ("Failed", "Pod was active on the node longer than the specified deadline"))

    def test_10_errors(self):
        status, body = call("GET", f"/api/v1/workflows/{NS}/stack-main", token=None)
        self.assertEqual((status, body["code"], body["message"]), (401, 16, "token not valid. JWT token is invalid"))
        status, body = call("GET", f"/api/v1/workflows/{NS}/stack-main", token="wrong")
        self.assertEqual((status, body["code"]), (401, 16))
        status, body = call("GET", f"/api/v1/workflows/{NS}/no-such-workflow")
        self.assertEqual((status, body), (404, {"code": 5, "message": 'workflows.argoproj.io "no-such-workflow" not found',
                                                "error": 'workflows.argoproj.io "no-such-workflow" not found', "details": []}))
        status, body = call("GET", events_path("no-such-workflow"))  # Argo's watch gets a named workflow first
        self.assertEqual((status, body["code"]), (404, 5))
        status, body = call("GET", "/api/v1/workflows/forbidden/anything")
        self.assertEqual((status, body["code"]), (403, 7))
        nameless = stack()
        del nameless["spec"]["templates"][0]["dag"]["tasks"][1]["name"]
        body = submit(nameless, expect=400)
        self.assertEqual(body["code"], 3)
        self.assertIn("spec/templates/0/dag/tasks/1: 'name' is a required property", body["message"])
        misspelt = stack()
        misspelt["spec"]["templates"][0]["dag"]["tasks"][1]["dependecies"] = ["vpc"]
        body = submit(misspelt, expect=400)
        self.assertIn("'dependecies' was unexpected", body["message"])
        undefined = stack()
        undefined["spec"]["templates"][0]["dag"]["tasks"][1]["dependencies"] = ["nowhere"]
        body = submit(undefined, expect=400)
        self.assertIn("templates.deploy.tasks.subnet-a dependency 'nowhere' not defined", body["message"])
        body = submit(stack("stack-main"), expect=409)
        self.assertEqual((body["code"], body["message"]), (6, 'workflows.argoproj.io "stack-main" already exists'))
        status, body = call("POST", f"/api/v1/workflows/{NS}", {"namespace": NS})
        self.assertEqual((status, body["code"]), (400, 3))

    def test_11_fanout_export(self):
        if not os.access(FANOUT, os.X_OK):
            self.skipTest("the fanout binary is not built")
        with tempfile.TemporaryDirectory() as directory:
            out = os.path.join(directory, "stack.yaml")
            subprocess.run([FANOUT, "export", os.path.join(ROOT, "tests", "fixtures", "plans", "argo-stack.json"), "-o", out],
                           check=True, capture_output=True, timeout=30)
            with open(out, encoding="utf-8") as f:
                exported = next(d for d in yaml.safe_load_all(f) if d and d.get("kind") == "Workflow")
        seen = follow(submit(exported)["metadata"]["name"])
        for snapshot in seen:
            check_snapshot(self, snapshot)
        self.assertEqual(seen[-1]["status"]["phase"], "Succeeded")
        check_valid(self, seen[-1])


if __name__ == "__main__":
    started = time.monotonic()
    result = unittest.main(exit=False, verbosity=2).result
    print(f"{time.monotonic() - started:.1f} s", file=sys.stderr)
    sys.exit(0 if result.wasSuccessful() else 1)
