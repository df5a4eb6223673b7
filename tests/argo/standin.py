#!/usr/bin/python3
"""A stand-in for the Argo Workflows Server REST API, on the loopback interface, for tests without Kubernetes.

Usage:
  standin.py --port 0 [--schema PATH] [--speed FACTOR] [--fail TASK[:ATTEMPTS]]...
             [--drop-stream-after N] [--drop-logs-after N] [--status-for PATH_REGEX=CODE[:TIMES]]...
             [--token TOKEN] [--verbose]

It binds 127.0.0.1 (port 0: any free port), prints one line `listening on http://127.0.0.1:PORT` when
ready and serves until killed (SIGTERM or SIGINT: exit 0 at once). Everything is in memory.

What it mimics of Argo (argoproj/argo-workflows at commit f016ad8, the one tests/argo/*.json come from):

- the Argo Server's REST API (grpc-gateway in front of the gRPC WorkflowService): create, get, watch
  (workflow-events), logs, retry, stop, terminate; errors in grpc-gateway's shape
  {"code": GRPC_CODE, "message": ..., "error": ..., "details": []};
- Kubernetes' part: metadata.name from generateName, uid, a resourceVersion that grows on every change
  (one counter for all workflows, as etcd's), watches that replay the changes after a resourceVersion;
- the workflow controller's part: it plays each workflow in a thread of its own, as the controller's
  reconcile loop would (workflow/controller/operator.go, dag.go): a DAG's tasks start when their
  `dependencies` have succeeded, at most spec.parallelism pods at once, templates' retryStrategy
  (limit, retryPolicy, backoff duration x factor^n capped by cap), activeDeadlineSeconds of templates
  and of the workflow, failFast, shutdown (stop, terminate), and status.nodes as Argo writes them:
  ids from an FNV-1a hash of the node name, Retry nodes with one child per attempt "TASK(0)", the
  children links of Argo's graph (a task hangs under the outbound nodes of its dependencies),
  "Omitted" nodes for tasks that cannot run, progress "succeeded/total" pods;
- the pods: nothing runs; a container "runs" for the seconds its command sleeps (`sleep S`, or
  `sleep S` inside `/bin/sh -c "..."`), 1 s otherwise, an http template 0.2 s; all scaled by --speed.
  A shell script "prints" its `echo` lines (at the point of the script they are in); other pods print
  "running TASK" and "done". --fail makes a task's pods exit 1. Argo's retry deletes the pods of the
  nodes it resets, and their logs with them: the pod made again under the same name starts a new log.

Not played (refused with 400 at submission, so a test knows at once): steps, suspend, resource,
containerSet, data and plugin templates, templateRef, inline templates, withItems/withParam/withSequence,
`when`, continueOn, hooks and onExit, depends expressions other than "a && b.Succeeded".
Synchronization (semaphores, mutexes) is accepted and ignored: there are no ConfigMaps here.
"""
import argparse
import copy
import json
import os
import random
import re
import select
import shlex
import signal
import socket
import string
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import argoschema  # beside this file: Argo's schema, made strict

WORKFLOW_DEFINITION = "io.argoproj.workflow.v1alpha1.Workflow"
HERE = os.path.dirname(os.path.abspath(__file__))

# Seconds of (unscaled) time a pod stays Pending before it runs, and the shortest step of the play
# whatever --speed says, so that every state a pod goes through is a change of its own.
PENDING_SECONDS = 0.5
MIN_STEP = 0.02

# Phases (Argo's NodePhase / WorkflowPhase).
PENDING, RUNNING, SUCCEEDED, FAILED, ERROR, SKIPPED, OMITTED = (
    "Pending", "Running", "Succeeded", "Failed", "Error", "Skipped", "Omitted")
FULFILLED = {SUCCEEDED, FAILED, ERROR, SKIPPED, OMITTED}
LEAF_TYPES = {"Pod", "HTTP"}  # Argo's "executable" node types that a pod (or the agent) runs

# gRPC status codes, and the HTTP status grpc-gateway answers them with.
GRPC_FOR_HTTP = {400: 3, 401: 16, 403: 7, 404: 5, 409: 6, 412: 9, 429: 8, 499: 1, 500: 13, 501: 12,
                 503: 14, 504: 4}
GRPC_MESSAGES = {3: "invalid argument", 16: "token not valid", 7: "permission denied", 5: "not found",
                 6: "already exists", 9: "failed precondition", 8: "resource exhausted", 1: "canceled",
                 13: "internal error", 12: "not implemented", 14: "unavailable", 4: "deadline exceeded",
                 2: "unknown"}


class ApiError(Exception):
    """An error answered in grpc-gateway's shape: HTTP status, gRPC code, message."""

    def __init__(self, http_status, grpc_code, message):
        super().__init__(message)
        self.http_status, self.grpc_code, self.message = http_status, grpc_code, message


# ---------------------------------------------------------------------------------------------------
# Small helpers: Argo's hashes, names, times, durations.

def fnv1a32(text):
    """FNV-1a, 32 bits: the hash Argo makes node ids and pod names of (hash/fnv New32a)."""
    h = 0x811C9DC5
    for byte in text.encode("utf-8"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def node_id(workflow_name, node_name):
    """Workflow.NodeID: the root node's id is the workflow's name, any other is NAME-fnv(node name)."""
    return workflow_name if node_name == workflow_name else f"{workflow_name}-{fnv1a32(node_name)}"


def pod_name(workflow_name, node_name, template_name):
    """util.GeneratePodName, pod names "v2" (Argo's default): WORKFLOW-TEMPLATE-fnv(node name)."""
    if node_name == workflow_name:
        return workflow_name
    prefix = f"{workflow_name}-{template_name}" if template_name else workflow_name
    prefix = prefix[:242]  # ensurePodNamePrefixLength: 253 - 10 - 1
    return f"{prefix}-{fnv1a32(node_name)}"


def rfc3339(epoch=None):
    """Kubernetes' metav1.Time: RFC 3339, UTC, whole seconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if epoch is None else epoch))


def int_or_string(value):
    """An IntOrString (Argo's schema types them as strings: limit "2", factor "3") as a number, or None."""
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


GO_DURATION = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text):
    """wfv1.ParseStringToDuration: a bare number is seconds, else a Go duration ("2s", "1m30s"). None if neither."""
    if text is None:
        return None
    text = str(text).strip()
    number = int_or_string(text)
    if number is not None:
        return number
    if not text or GO_DURATION.sub("", text) != "":
        return None
    return sum(float(amount) * GO_UNITS[unit] for amount, unit in GO_DURATION.findall(text))


def humanize_duration(seconds):
    """util/humanize.Duration, which Argo writes in "Backoff for 2 seconds"."""
    seconds = int(seconds)

    def unit(n, word):
        return f"1 {word}" if n == 1 else f"{n} {word}s"
    if seconds < 60:
        return unit(seconds, "second")
    if seconds < 3600:
        return f"{unit(seconds // 60, 'minute')} {seconds % 60} seconds"
    if seconds < 86400:
        return f"{unit(seconds // 3600, 'hour')} {seconds // 60 % 60} minutes"
    return f"{unit(seconds // 86400, 'day')} {seconds // 3600 % 24} hours"


def fulfilled(node):
    return node is not None and node.get("phase") in FULFILLED


# ---------------------------------------------------------------------------------------------------
# Checking a submitted workflow: Argo's JSON Schema (strict), then what Argo's validator
# (workflow/validate) would refuse and what this stand-in cannot play.

TEMPLATE_TYPES = ("container", "script", "dag", "http", "steps", "suspend", "resource", "containerSet",
                  "data", "plugin")
PLAYED_TYPES = ("container", "script", "dag", "http")
K8S_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
SIMPLE_DEPENDS = re.compile(r"^[A-Za-z0-9][-A-Za-z0-9_]*(\.Succeeded)?$")


def task_dependencies(task):
    """A DAG task's dependencies: `dependencies`, or a `depends` of the plain form "a && b.Succeeded"."""
    if task.get("depends"):
        return [part.strip().split(".")[0] for part in task["depends"].split("&&")]
    return list(task.get("dependencies") or [])


def check_semantics(workflow):
    """Problems Argo's validator (or this stand-in's player) has with a schema-valid workflow, as messages."""
    spec = workflow.get("spec") or {}
    templates = spec.get("templates") or []
    problems = []
    by_name = {}
    for i, template in enumerate(templates):
        name = template.get("name")
        if not name:
            problems.append(f"spec.templates[{i}].name is required")
            continue
        if name in by_name:
            problems.append(f"spec.templates[{i}].name '{name}' is not unique")
        by_name[name] = template
        kinds = [k for k in TEMPLATE_TYPES if k in template]
        if not kinds:
            problems.append(f"templates.{name} template type unspecified. choose one of: container, containerSet, steps, script, resource, dag, suspend, template, template ref")
        elif len(kinds) > 1:
            problems.append(f"templates.{name} multiple template types specified. choose one of: container, containerSet, steps, script, resource, dag, suspend, template, template ref")
        elif kinds[0] not in PLAYED_TYPES:
            problems.append(f"templates.{name}: the Argo stand-in does not play {kinds[0]} templates (only {', '.join(PLAYED_TYPES)})")
    if spec.get("workflowTemplateRef"):
        problems.append("spec.workflowTemplateRef: the Argo stand-in has no WorkflowTemplates")
    entrypoint = spec.get("entrypoint")
    if not entrypoint:
        if not spec.get("workflowTemplateRef"):
            problems.append("spec.entrypoint is required")
    elif entrypoint not in by_name:
        problems.append(f"spec.entrypoint template name '{entrypoint}' undefined")
    if spec.get("onExit") or spec.get("hooks"):
        problems.append("spec.onExit/hooks: the Argo stand-in does not play exit handlers or hooks")
    for name, template in by_name.items():
        dag = template.get("dag")
        if not isinstance(dag, dict):
            continue
        if dag.get("target"):
            problems.append(f"templates.{name}.target: the Argo stand-in runs every task of a DAG")
        tasks = dag.get("tasks") or []
        names = {}
        for i, task in enumerate(tasks):
            tname = task.get("name", "")
            if tname in names:
                problems.append(f"templates.{name}.tasks[{i}].name '{tname}' is not unique")
            names[tname] = task
            for key in ("templateRef", "inline", "withItems", "withParam", "withSequence", "when", "continueOn", "hooks", "onExit"):
                if key in task:
                    problems.append(f"templates.{name}.tasks.{tname}.{key}: the Argo stand-in does not play it")
            if task.get("depends") and task.get("dependencies"):
                problems.append(f"templates.{name} cannot use both 'depends' and 'dependencies' in the same DAG template")
            if task.get("depends") and not all(SIMPLE_DEPENDS.match(p.strip()) for p in task["depends"].split("&&")):
                problems.append(f"templates.{name}.tasks.{tname}.depends: the Argo stand-in understands only \"a && b.Succeeded\"")
            if "template" not in task and "templateRef" not in task and "inline" not in task:
                problems.append(f"templates.{name}.tasks.{tname} must specify exactly one of template, templateRef or inline")
            elif "template" in task and task["template"] not in by_name:
                problems.append(f"templates.{name}.tasks.{tname} template name '{task['template']}' undefined")
        for tname, task in names.items():
            for dep in task_dependencies(task):
                if dep not in names:
                    problems.append(f"templates.{name}.tasks.{tname} dependency '{dep}' not defined")
        if not problems:
            cycle = find_cycle({t: task_dependencies(task) for t, task in names.items()})
            if cycle:
                problems.append(f"templates.{name}.tasks dependency cycle detected: {'->'.join(cycle)}")
    if not problems and entrypoint:
        calls = {n: [t.get("template") for t in (tpl.get("dag") or {}).get("tasks") or []] for n, tpl in by_name.items()}
        cycle = find_cycle(calls)
        if cycle:
            problems.append(f"templates: template recursion is not played by the Argo stand-in: {'->'.join(cycle)}")
    return problems


def find_cycle(edges):
    """A cycle in a graph {node: [next...]}, as a list of names, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        path.append(node)
        for nxt in edges.get(node, []):
            if state.get(nxt) == "open":
                return path[path.index(nxt):] + [nxt]
            if nxt in edges and nxt not in state:
                found = visit(nxt, path)
                if found:
                    return found
        state[node] = "done"
        path.pop()
        return None
    for node in edges:
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def topological(tasks):
    """A DAG's tasks, each after its dependencies (order of the template otherwise)."""
    by_name = {t["name"]: t for t in tasks}
    done, order = set(), []

    def add(task):
        if task["name"] in done:
            return
        done.add(task["name"])
        for dep in task_dependencies(task):
            add(by_name[dep])
        order.append(task)
    for task in tasks:
        add(task)
    return order


# ---------------------------------------------------------------------------------------------------
# What a pod "does": how long it runs and what it prints.

SHELLS = {"sh", "bash", "ash", "dash", "zsh", "busybox"}


def shell_script_plan(script):
    """Reads a shell script for its `sleep S` and `echo ...` commands: (seconds, [(at, line)], exit code)."""
    at, lines, exit_code = 0.0, [], 0
    for source_line in script.splitlines():
        lexer = shlex.shlex(source_line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        try:
            tokens = list(lexer)
        except ValueError:
            return None
        command = []
        for token in tokens + [";"]:
            if token in (";", "&&", "||", "|", "&"):
                if command and command[0] == "sleep" and len(command) > 1:
                    seconds = parse_duration(command[1])
                    at += seconds if seconds is not None else 0.0
                elif command and command[0] == "echo":
                    words = command[1:]
                    while words and words[0] in ("-n", "-e", "-E"):
                        words = words[1:]
                    lines.append((at, " ".join(words)))
                elif command and command[0] == "exit":
                    exit_code = int(command[1]) if len(command) > 1 and command[1].isdigit() else 0
                    return at, lines, exit_code
                command = []
            else:
                command.append(token)
    return at, lines, exit_code


# ---------------------------------------------------------------------------------------------------
# The store: every workflow, and the history of changes watches replay.

class Store:
    """All workflows, in memory, and one history of changes; a single lock (condition) guards it all."""

    def __init__(self):
        self.cond = threading.Condition()
        self.runs = {}  # (namespace, name) -> Run
        self.resource_version = 0  # etcd's revision: one counter for every change of every workflow
        self.events = []  # (rv, type, namespace, name, workflow JSON text), in order
        self.stream_connections = 0  # event stream connections so far (--drop-stream-after drops the first)
        self.log_connections = 0  # log stream connections so far (--drop-logs-after drops the first)

    def commit(self, run, event_type):
        """Records a change of a workflow: a new resourceVersion, a snapshot, an event for the watches."""
        self.resource_version += 1
        run.wf["metadata"]["resourceVersion"] = str(self.resource_version)
        run.snapshot = json.dumps(run.wf, separators=(",", ":"))
        self.events.append((self.resource_version, event_type, run.namespace, run.name, run.snapshot))
        self.cond.notify_all()


# ---------------------------------------------------------------------------------------------------
# A workflow being played: Argo's workflow controller, for one workflow.

class Leaf:
    """What the stand-in knows of a pod that Argo would learn from Kubernetes: when it runs, ends, prints."""

    def __init__(self, pod, due, seconds, deadline, lines, exit_code):
        self.pod = pod  # the pod's name (Argo's v2 pod name)
        self.due = due  # monotonic time of its next change (Pending -> Running)
        self.seconds = seconds  # how long it runs, scaled
        self.deadline = deadline  # the template's activeDeadlineSeconds, scaled, or None
        self.lines = lines  # [(at, line)], at in scaled seconds after it starts running
        self.printed = 0  # how many of lines it has printed
        self.exit_code = exit_code  # 0: succeeds
        self.started = None  # monotonic time it started running


class Run:
    """One workflow: its API object (wf) and the controller thread that plays it."""

    def __init__(self, server, wf):
        self.server = server
        self.store = server.store
        self.wf = wf
        self.name = wf["metadata"]["name"]
        self.namespace = wf["metadata"]["namespace"]
        self.templates = {t["name"]: t for t in wf["spec"]["templates"]}
        self.dag_order = {name: topological(t["dag"].get("tasks") or []) for name, t in self.templates.items() if "dag" in t}
        self.leaves = {}  # node id -> Leaf
        self.task_of = {}  # node name of a DAG task -> the DAG task (its arguments, its name)
        self.fail_counts = {}  # task node name -> attempts made that a --fail rule covers
        self.logs = []  # (pod name, generation, line): every line any pod printed, in order
        self.log_generation = {}  # pod name -> generation (a retried workflow makes a pod of the same name again)
        self.log_done = {}  # pod name -> True once the pod has ended
        self.started = time.monotonic()  # for spec.activeDeadlineSeconds
        self.ended = {}  # node id -> monotonic time it was over (a Retry node's backoff counts from it)
        self.wakeups = []  # monotonic times the controller must look again (backoffs)
        self.poked = False  # an API call changed the workflow (retry, stop, terminate): look again now
        self.snapshot = None  # the JSON of wf at its last resourceVersion

    # -- time, scaled by --speed

    def scaled(self, seconds):
        return max(MIN_STEP, seconds / self.server.speed)

    # -- nodes

    @property
    def nodes(self):
        return self.wf["status"]["nodes"]

    def get(self, node_name):
        return self.nodes.get(node_id(self.name, node_name))

    def new_node(self, name, node_type, template_name, boundary_id, phase, message=None, attempt=False):
        """initializeNode: a node as Argo first writes it (an attempt of a Retry node flagged `retried`)."""
        node = {"id": node_id(self.name, name), "name": name, "displayName": name, "type": node_type,
                "templateName": template_name, "templateScope": f"local/{self.name}", "phase": phase,
                "startedAt": rfc3339()}
        if attempt:
            node["nodeFlag"] = {"retried": True}
        if boundary_id:
            node["boundaryID"] = boundary_id
            boundary_name = self.nodes[boundary_id]["name"]
            node["displayName"] = name[len(boundary_name):].lstrip(".") if name.startswith(boundary_name) else name
        if message:
            node["message"] = message
        if phase in FULFILLED:
            node["finishedAt"] = node["startedAt"]
        self.nodes[node["id"]] = node
        return node

    def mark(self, node, phase, message=None):
        """markNodePhase: a node's new phase (and message); finishedAt once it is over."""
        node["phase"] = phase
        if message:
            node["message"] = message
        elif message == "":
            node.pop("message", None)
        if phase in FULFILLED and "finishedAt" not in node:
            node["finishedAt"] = rfc3339()
            self.ended.setdefault(node["id"], time.monotonic())

    def add_child(self, parent, child):
        children = parent.setdefault("children", [])
        if child["id"] not in children:
            children.append(child["id"])

    def outbound(self, node):
        """getOutboundNodes: the nodes a following task hangs under."""
        if node["type"] in ("Pod", "HTTP", "Skipped"):
            return [node["id"]]
        if node["type"] == "Retry" and node.get("children"):
            return [node["children"][-1]]
        found = []
        for nid in node.get("outboundNodes") or []:
            if nid in self.nodes:
                found += self.outbound(self.nodes[nid])
        return found

    def connect(self, dag_node, task_node, dependencies):
        """connectDependencies: a task without dependencies is a child of its DAG, else of its dependencies' outbound nodes."""
        if not dependencies:
            self.add_child(dag_node, task_node)
            return
        for dep in dependencies:
            dep_node = self.get(f"{dag_node['name']}.{dep}")
            for nid in self.outbound(dep_node) if dep_node else []:
                self.add_child(self.nodes[nid], task_node)

    def parent_of(self, node):
        """The node a node belongs to: the Retry node of an attempt, else its boundary (the DAG it is a task of)."""
        if (node.get("nodeFlag") or {}).get("retried"):
            parent = self.get(re.sub(r"\(\d+\)$", "", node["name"]))
            if parent:
                return parent
        return self.nodes.get(node.get("boundaryID", ""))

    def ancestors(self, node):
        parent = self.parent_of(node)
        while parent is not None:
            yield parent
            parent = self.parent_of(parent)

    # -- the state of the whole workflow

    @property
    def shutdown(self):
        return self.wf["spec"].get("shutdown") or ""

    def deadline_exceeded(self, now=None):
        seconds = self.wf["spec"].get("activeDeadlineSeconds")
        if seconds is None:
            return False
        return (now or time.monotonic()) >= self.started + self.scaled(float(seconds))

    def stopping_reason(self):
        """Why no new node may start: a shutdown, the workflow's deadline; else ""."""
        if self.shutdown:
            return f"Stopped with strategy '{self.shutdown}'"
        if self.deadline_exceeded():
            return "Step exceeded its deadline"
        return ""

    def active_leaves(self, under=None):
        """Pods Pending or Running (under a node, or in the whole workflow): what parallelism counts."""
        count = 0
        for node in self.nodes.values():
            if node["type"] in LEAF_TYPES and node["phase"] in (PENDING, RUNNING):
                if under is None or any(a["id"] == under["id"] for a in self.ancestors(node)):
                    count += 1
        return count

    def may_start(self, boundary_id):
        """checkParallelism: may a new node start under this boundary now?"""
        if self.stopping_reason():
            return False
        limit = self.wf["spec"].get("parallelism")
        if limit is not None and self.active_leaves() >= limit:
            return False
        boundary = self.nodes.get(boundary_id or "")
        while boundary is not None:
            template = self.templates.get(boundary.get("templateName"), {})
            if template.get("parallelism") is not None and self.active_leaves(boundary) >= template["parallelism"]:
                return False
            boundary = self.parent_of(boundary)
        return True

    # -- the reconcile loop

    def step(self):
        """One pass of the controller (woc.operate): pods' news first, then the templates from the root."""
        if self.wf["status"]["phase"] != RUNNING:
            return False
        before = json.dumps(self.wf, sort_keys=True)
        now = time.monotonic()
        self.wakeups = []
        self.advance_leaves(now)
        # A pod that ended may let tasks start, a task that failed may omit others... walk until still.
        for _ in range(100):
            walked_from = json.dumps(self.nodes, sort_keys=True)
            self.execute(self.name, self.wf["spec"]["entrypoint"], None, None)
            if json.dumps(self.nodes, sort_keys=True) == walked_from:
                break
        self.finish_if_done()
        self.update_progress()
        return json.dumps(self.wf, sort_keys=True) != before

    def next_wakeup(self):
        """When the controller has to look again (monotonic), or None: Argo's requeueAfter."""
        times = list(self.wakeups)
        for nid, leaf in self.leaves.items():
            node = self.nodes.get(nid)
            if node is None or fulfilled(node):
                continue
            if node["phase"] == PENDING:
                times.append(leaf.due)
            elif leaf.started is not None:
                times.append(leaf.started + self.leaf_end(leaf)[0])
                if leaf.printed < len(leaf.lines):
                    times.append(leaf.started + leaf.lines[leaf.printed][0])
        if self.wf["spec"].get("activeDeadlineSeconds") is not None and not self.deadline_exceeded():
            times.append(self.started + self.scaled(float(self.wf["spec"]["activeDeadlineSeconds"])))
        return min(times) if times else None

    def loop(self):
        """The controller's thread for this workflow: a pass, a commit when it changed, a wait."""
        cond = self.store.cond
        with cond:
            while True:
                self.poked = False
                printed = len(self.logs)
                try:
                    changed = self.step()
                except Exception as error:  # a bug of the stand-in: say so in the workflow, not by stalling
                    traceback.print_exc()
                    status = self.wf["status"]
                    status.update(phase=ERROR, message=f"Argo stand-in: internal error: {error!r}", finishedAt=rfc3339())
                    changed = True
                if changed:
                    self.store.commit(self, "MODIFIED")
                elif len(self.logs) != printed:
                    cond.notify_all()  # new log lines for the log streams (not a change of the workflow)
                wake = self.next_wakeup() if self.wf["status"]["phase"] == RUNNING else None
                timeout = None if wake is None else max(0.0, wake - time.monotonic())
                cond.wait_for(lambda: self.poked, timeout)

    def poke(self):
        self.poked = True
        self.store.cond.notify_all()

    # -- templates (executeTemplate)

    def execute(self, name, template_name, boundary_id, task, attempt=False):
        """Starts or advances the node `name` of a template; returns it, or None when it may not start yet."""
        template = self.templates[template_name]
        node = self.get(name)
        if fulfilled(node):
            return node
        if node is None and not self.may_start(boundary_id):
            return None
        if template.get("retryStrategy") and not attempt:
            return self.execute_retry(name, template, boundary_id, task, node)
        if "dag" in template:
            return self.execute_dag(name, template, boundary_id, node, attempt)
        return self.execute_leaf(name, template, boundary_id, task, node, attempt)

    def execute_dag(self, name, template, boundary_id, node, attempt=False):
        """executeDAG: tasks start once their dependencies succeeded; the DAG ends when nothing more can run."""
        if node is None:
            node = self.new_node(name, "DAG", template["name"], boundary_id, RUNNING, attempt=attempt)
        dag = template["dag"]
        tasks = self.dag_order[template["name"]]
        fail_fast = dag.get("failFast", True)  # Argo's default is true

        def task_node(task_name):
            return self.get(f"{name}.{task_name}")

        def has_failure():
            return any(task_node(t["name"]) and task_node(t["name"])["phase"] in (FAILED, ERROR) for t in tasks)

        for task in tasks:
            task_name = f"{name}.{task['name']}"
            current = self.get(task_name)
            if current is not None:
                if not fulfilled(current):
                    self.execute(task_name, task["template"], node["id"], task)
                continue
            dependencies = task_dependencies(task)
            dep_nodes = [task_node(d) for d in dependencies]
            if not all(fulfilled(d) for d in dep_nodes):
                continue  # not yet
            if any(d["phase"] not in (SUCCEEDED, SKIPPED) for d in dep_nodes):
                # A dependency failed or was omitted: this task never runs (dag.go marks it at once).
                omitted = self.new_node(task_name, "Skipped", task["template"], node["id"], OMITTED,
                                        "omitted: depends condition not met")
                self.connect(node, omitted, dependencies)
                continue
            if fail_fast and has_failure():
                continue  # failFast: no new task once one has failed
            self.task_of[task_name] = task
            started = self.execute(task_name, task["template"], node["id"], task)
            if started is not None:
                self.connect(node, started, dependencies)

        # assessDAGPhase
        nodes = [task_node(t["name"]) for t in tasks]
        if any(n is not None and not fulfilled(n) for n in nodes):
            return node
        if any(n is None for n in nodes):
            reason = self.stopping_reason() or ("failFast: a task failed" if fail_fast and has_failure() else "")
            if not reason:
                return node  # a task can start: it waits for a free slot (parallelism)
            for task in tasks:  # nothing runs, nothing will: the rest is omitted
                if task_node(task["name"]) is None:
                    dependencies = task_dependencies(task)
                    blocked = any(task_node(d)["phase"] not in (SUCCEEDED, SKIPPED) for d in dependencies)
                    omitted = self.new_node(f"{name}.{task['name']}", "Skipped", task["template"], node["id"], OMITTED,
                                            "omitted: depends condition not met" if blocked else f"omitted: {reason}")
                    self.connect(node, omitted, dependencies)
            nodes = [task_node(t["name"]) for t in tasks]
        failed = [n for n in nodes if n["phase"] in (FAILED, ERROR)]
        targets = [t["name"] for t in tasks if not any(t["name"] in task_dependencies(o) for o in tasks)]
        outbound = [nid for t in targets for nid in self.outbound(task_node(t))]
        if outbound:
            node["outboundNodes"] = outbound
        outputs = self.template_outputs(template, node, None)
        if outputs:
            node["outputs"] = outputs
        if failed:
            self.mark(node, FAILED, f"child '{failed[0]['id']}' failed")
        elif self.stopping_reason():
            self.mark(node, FAILED, self.stopping_reason())
        else:
            self.mark(node, SUCCEEDED)
        return node

    def execute_retry(self, name, template, boundary_id, task, node):
        """processNodeRetries: a Retry node, one child per attempt NAME(i), backoff between attempts."""
        strategy = template["retryStrategy"]
        if node is None:
            node = self.new_node(name, "Retry", template["name"], boundary_id, RUNNING)
        children = [self.nodes[c] for c in node.get("children", []) if c in self.nodes]
        last = children[-1] if children else None
        if last is not None and not fulfilled(last):
            last = self.execute(last["name"], template["name"], boundary_id, task, attempt=True)
            if not fulfilled(last):
                return node
        if last is None:
            self.start_attempt(node, template, boundary_id, task, 0)
            return node
        if last["phase"] == SUCCEEDED:
            if "outputs" in last:
                node["outputs"] = copy.deepcopy(last["outputs"])
            self.mark(node, SUCCEEDED, "")
            return node
        if self.shutdown:
            self.mark(node, last["phase"], f"Stopped with strategy '{self.shutdown}'")
            return node
        if self.deadline_exceeded():
            self.mark(node, last["phase"], "retry exceeded workflow deadline")
            return node
        limit = int_or_string(strategy.get("limit"))
        backoff = strategy.get("backoff") or {}
        base = parse_duration(backoff.get("duration"))
        if base is not None:
            wait = base
            factor = int_or_string(backoff.get("factor"))
            if factor is not None and factor > 0:
                wait = base * factor ** (len(children) - 1)
            cap = parse_duration(backoff.get("cap"))
            if cap is not None and wait > cap:
                wait = cap
            due = self.ended.get(last["id"], time.monotonic()) + self.scaled(wait)
            if time.monotonic() < due and (limit is None or len(children) <= limit):
                self.mark(node, node["phase"], f"Backoff for {humanize_duration(wait)}")
                self.wakeups.append(due)
                return node
        policy = strategy.get("retryPolicy") or "OnFailure"
        retry_failed = policy in ("Always", "OnFailure")
        retry_error = policy in ("Always", "OnError")
        if (last["phase"] == FAILED and not retry_failed) or (last["phase"] == ERROR and not retry_error):
            self.mark(node, last["phase"], last.get("message") or "")
            return node
        if limit is not None and len(children) > limit:
            self.mark(node, last["phase"], "No more retries left")
            return node
        self.mark(node, RUNNING, "")
        self.start_attempt(node, template, boundary_id, task, len(children))
        return node

    def start_attempt(self, retry_node, template, boundary_id, task, index):
        attempt = self.execute(f"{retry_node['name']}({index})", template["name"], boundary_id, task, attempt=True)
        if attempt is not None:
            self.add_child(retry_node, attempt)

    def execute_leaf(self, name, template, boundary_id, task, node, attempt=False):
        """A container, script or http template: a pod (an HTTP node, run by Argo's agent, for http)."""
        if node is not None:
            return node  # its pod's news come in advance_leaves
        node_type = "HTTP" if "http" in template else "Pod"
        node = self.new_node(name, node_type, template["name"], boundary_id, PENDING, attempt=attempt)
        node["progress"] = "0/1"
        pod = pod_name(self.name, name, template["name"])
        seconds, lines, exit_code = self.pod_plan(node, template, task)
        unit = re.sub(r"\(\d+\)$", "", name)
        rule = self.fail_rule(node, unit)
        if rule is not False:
            self.fail_counts[unit] = self.fail_counts.get(unit, 0) + 1
            if rule is None or self.fail_counts[unit] <= rule:
                exit_code = 1
                lines = [(at, line) for at, line in lines if at < seconds] + [(seconds, "simulated failure: exit 1")]
        deadline = template.get("activeDeadlineSeconds")
        deadline = self.scaled(int_or_string(deadline)) if int_or_string(deadline) is not None else None
        self.leaves[node["id"]] = Leaf(pod, time.monotonic() + self.scaled(PENDING_SECONDS), seconds, deadline, lines, exit_code)
        self.log_generation[pod] = self.log_generation.get(pod, 0) + 1
        self.log_done[pod] = False
        return node

    def fail_rule(self, node, unit_name):
        """The --fail rule for a pod: False (none), None (every attempt) or how many attempts fail.

        A rule names a task: the pod's own task, any DAG task it is inside (`vpc` for
        WF.vpc.provision(0)), or its template's name."""
        names = {node["templateName"]}
        unit = self.get(unit_name) or node
        names.add(unit["displayName"])
        names.update(a["displayName"] for a in self.ancestors(unit) if a.get("boundaryID"))
        for task_name, attempts in self.server.fail_rules.items():
            if task_name in names:
                return attempts
        return False

    def pod_plan(self, node, template, task):
        """How long a pod runs (scaled) and what it prints: (seconds, [(at, line)], exit code)."""
        label = self.task_label(node)
        if "http" in template:
            seconds = 0.2
            return self.scaled(seconds), [(0.0, f"running {label}"), (self.scaled(seconds), "done")], 0
        body = template.get("container") or template.get("script") or {}
        command = [self.substitute(str(c), node, task) for c in (body.get("command") or []) + (body.get("args") or [])]
        plan = None
        if "script" in template and body.get("source"):
            plan = shell_script_plan(self.substitute(body["source"], node, task))
        elif len(command) >= 3 and os.path.basename(command[0]) in SHELLS and command[1].startswith("-") and "c" in command[1]:
            plan = shell_script_plan(command[2])
        if plan is not None:
            seconds, lines, exit_code = plan
            if seconds <= 0:
                seconds = 1.0
            factor = self.scaled(seconds) / seconds
            return self.scaled(seconds), [(at * factor, line) for at, line in lines], exit_code
        seconds = 1.0
        if len(command) == 2 and os.path.basename(command[0]) == "sleep" and parse_duration(command[1]) is not None:
            seconds = parse_duration(command[1])
        return self.scaled(seconds), [(0.0, f"running {label}"), (self.scaled(seconds), "done")], 0

    def task_label(self, node):
        """The task a pod is for, as a person names it: the outermost DAG task around it (`vpc`)."""
        chain = [node] + [a for a in self.ancestors(node) if a.get("boundaryID")]
        return re.sub(r"\(\d+\)$", "", chain[-1]["displayName"])

    # -- the pods' news (what Argo reads from the pods' status)

    def leaf_end(self, leaf):
        """(seconds after the start it ends, its deadline struck)."""
        if leaf.deadline is not None and leaf.seconds > leaf.deadline:
            return leaf.deadline, True
        return leaf.seconds, False

    def advance_leaves(self, now):
        reason = self.stopping_reason()
        for nid, leaf in list(self.leaves.items()):
            node = self.nodes.get(nid)
            if node is None or fulfilled(node):
                continue
            if self.shutdown == "Terminate" or (reason and not self.shutdown):
                # terminate (and the workflow's deadline) fails running pods at once
                self.end_leaf(node, leaf, now, FAILED, reason, "143" if node["phase"] == RUNNING else None)
                continue
            if node["phase"] == PENDING:
                if now >= leaf.due:
                    node["phase"] = RUNNING
                    node["hostNodeName"] = "standin"
                    leaf.started = now
                continue  # a pod that just started runs at least until the next pass
            elapsed = now - leaf.started
            while leaf.printed < len(leaf.lines) and leaf.lines[leaf.printed][0] <= elapsed:
                self.print_line(leaf, leaf.lines[leaf.printed][1])
                leaf.printed += 1
            ends_after, deadline_struck = self.leaf_end(leaf)
            if elapsed >= ends_after:
                if deadline_struck:
                    self.end_leaf(node, leaf, now, FAILED, "Pod was active on the node longer than the specified deadline", "137")
                elif leaf.exit_code:
                    self.end_leaf(node, leaf, now, FAILED, f"Error (exit code {leaf.exit_code})", str(leaf.exit_code))
                else:
                    self.end_leaf(node, leaf, now, SUCCEEDED, None, "0")

    def print_line(self, leaf, line):
        self.logs.append((leaf.pod, self.log_generation[leaf.pod], line))

    def end_leaf(self, node, leaf, now, phase, message, exit_code):
        self.mark(node, phase, message)
        node["progress"] = "1/1" if phase == SUCCEEDED else "0/1"
        outputs = {}
        if exit_code is not None and node["type"] == "Pod":  # an HTTP node has no container, no exit code
            outputs["exitCode"] = exit_code
            stdout = [line for _, line in leaf.lines[:leaf.printed]]
            if stdout:
                outputs["result"] = "\n".join(stdout)
        if phase == SUCCEEDED:
            outputs.update(self.template_outputs(self.templates[node["templateName"]], node, outputs.get("result")))
        if outputs:
            node["outputs"] = outputs
        self.log_done[leaf.pod] = True

    # -- outputs and {{...}} (just what fanout's workflows use)

    def task_scope_node(self, node):
        """The DAG node whose tasks `tasks.NAME` means for this node, and the DAG task it runs for."""
        unit = self.get(re.sub(r"\(\d+\)$", "", node["name"])) or node
        return self.nodes.get(unit.get("boundaryID", "")), self.task_of.get(unit["name"])

    def lookup(self, key, node, task):
        """The value of {{key}} for a node, or None when the stand-in does not know it."""
        spec = self.wf["spec"]
        if key == "workflow.name":
            return self.name
        if key == "workflow.namespace":
            return self.namespace
        if key == "workflow.uid":
            return self.wf["metadata"]["uid"]
        match = re.fullmatch(r"workflow\.parameters\.(.+)", key)
        if match:
            for p in (spec.get("arguments") or {}).get("parameters") or []:
                if p.get("name") == match.group(1):
                    return p.get("value")
            return None
        dag_node, own_task = self.task_scope_node(node)
        match = re.fullmatch(r"inputs\.parameters\.(.+)", key)
        if match:
            for p in ((task or own_task or {}).get("arguments") or {}).get("parameters") or []:
                if p.get("name") == match.group(1) and "value" in p:
                    return self.substitute(p["value"], dag_node or node, None)
            for p in (self.templates[node["templateName"]].get("inputs") or {}).get("parameters") or []:
                if p.get("name") == match.group(1):
                    return p.get("value", p.get("default"))
            return None
        match = re.fullmatch(r"tasks\.([^.]+)\.outputs\.(result|exitCode|parameters\.(.+))", key)
        if match and dag_node is not None:
            other = self.get(f"{dag_node['name']}.{match.group(1)}")
            outputs = (other or {}).get("outputs") or {}
            if match.group(3):
                return next((p.get("value") for p in outputs.get("parameters") or [] if p.get("name") == match.group(3)), None)
            return outputs.get(match.group(2))
        return None

    def substitute(self, text, node, task):
        return re.sub(r"\{\{\s*([^{}]+?)\s*\}\}",
                      lambda m: (lambda v: m.group(0) if v is None else str(v))(self.lookup(m.group(1), node, task)), text)

    def template_outputs(self, template, node, own_result):
        """A template's output parameters, where the stand-in can work them out: fanout's
        `::output KEY=VALUE` lines and `jsonpath(...)` of a result; `value`, `valueFrom.parameter`, `default`."""
        parameters = []
        for p in (template.get("outputs") or {}).get("parameters") or []:
            value_from = p.get("valueFrom") or {}
            value = None
            if "value" in p:
                value = self.substitute(p["value"], node, None)
            elif value_from.get("parameter"):
                value = self.substitute(value_from["parameter"], node, None)
                value = None if "{{" in value else value
            elif value_from.get("expression"):
                value = self.evaluate(value_from["expression"], node, own_result)
            if value is None:
                value = value_from.get("default")
            if value is not None:
                parameters.append({"name": p["name"], "value": value})
        return {"parameters": parameters} if parameters else {}

    def evaluate(self, expression, node, own_result):
        match = re.search(r"tasks\.([^.\s]+)\.outputs\.result", expression)
        if match:
            inner = self.get(f"{node['name']}.{match.group(1)}")
            result = ((inner or {}).get("outputs") or {}).get("result")
        else:
            result = own_result
        if result is None:
            return None
        key = re.search(r"::output ([^=\s']+)=", expression)
        if key:
            prefix = f"::output {key.group(1)}="
            values = [line[len(prefix):] for line in result.splitlines() if line.startswith(prefix)]
            return values[-1] if values else None
        path = re.search(r"\$((?:\['[^']*'\])+)", expression)
        if "jsonpath(" in expression and path:
            text = result
            if "splitList" in expression:
                lines = [line for line in result.strip().splitlines() if line.strip()]
                text = lines[-1] if lines else ""
            try:
                value = json.loads(text)
                for part in re.findall(r"\['([^']*)'\]", path.group(1)):
                    value = value[part]
            except (ValueError, KeyError, TypeError, IndexError):
                return None
            return value if isinstance(value, str) else json.dumps(value)
        return None

    # -- the workflow's own status

    def finish_if_done(self):
        root = self.get(self.name)
        if not fulfilled(root):
            return
        status = self.wf["status"]
        phase = SUCCEEDED if root["phase"] in (SUCCEEDED, SKIPPED) else (ERROR if root["phase"] == ERROR else FAILED)
        status["phase"] = phase
        status["finishedAt"] = rfc3339()
        if phase != SUCCEEDED:
            status["message"] = (f"Stopped with strategy '{self.shutdown}'" if self.shutdown
                                 else root.get("message") or "child failed")
        self.set_labels()

    def set_labels(self):
        """The labels Argo's controller keeps on a workflow, and its conditions."""
        status = self.wf["status"]
        labels = self.wf["metadata"].setdefault("labels", {})
        labels["workflows.argoproj.io/phase"] = status["phase"]
        done = status["phase"] != RUNNING
        if done:
            labels["workflows.argoproj.io/completed"] = "true"
        else:
            labels.pop("workflows.argoproj.io/completed", None)
        running = any(n["type"] in LEAF_TYPES and n["phase"] == RUNNING for n in self.nodes.values())
        status["conditions"] = [{"type": "PodRunning", "status": "True" if running else "False"}]
        if done:
            status["conditions"].append({"type": "Completed", "status": "True"})

    def update_progress(self):
        """progress.UpdateProgress: pods count 0/1 or 1/1; any other node sums the nodes under it (children)."""
        def add(a, b):
            return tuple(x + y for x, y in zip(a, b))
        totals = (0, 0)
        for node in self.nodes.values():
            if node["type"] in LEAF_TYPES:
                done = 1 if node["phase"] in (SUCCEEDED, SKIPPED, OMITTED) else 0
                node["progress"] = f"{done}/1"
                totals = add(totals, (done, 1))

        def summed(node, visited):
            total = (0, 0)
            for cid in node.get("children") or []:
                if cid in visited or cid not in self.nodes:
                    continue
                visited.add(cid)
                child = self.nodes[cid]
                total = add(total, summed(child, visited))
                if child["type"] in LEAF_TYPES:
                    total = add(total, tuple(int(x) for x in child["progress"].split("/")))
            return total
        for node in self.nodes.values():
            if node["type"] not in LEAF_TYPES:
                done, total = summed(node, set())
                if total:
                    node["progress"] = f"{done}/{total}"
        self.wf["status"]["progress"] = f"{totals[0]}/{totals[1]}"
        if self.wf["status"]["phase"] == RUNNING:
            self.set_labels()

    # -- what the API asks of a workflow (the server's part of retry, stop, terminate)

    def shut_down(self, strategy):
        """StopWorkflow / TerminateWorkflow: spec.shutdown, which the controller acts on."""
        if self.wf["status"]["phase"] != RUNNING:
            raise ApiError(400, 9, f"cannot shutdown a completed workflow: workflow: \"{self.name}\", namespace: \"{self.namespace}\"")
        self.wf["spec"]["shutdown"] = strategy
        self.store.commit(self, "MODIFIED")
        self.poke()

    def retry(self, restart_successful, selector):
        """FormulateRetryWorkflow: failed task nodes (those the selector picks, if any) are deleted with
        everything under them (their attempts, their omitted dependents); the DAGs around them go back
        to Running; the workflow is Running again, and the controller plays what is missing."""
        phase = self.wf["status"]["phase"]
        if phase not in (FAILED, ERROR) and not (phase == SUCCEEDED and restart_successful and selector):
            raise ApiError(400, 9, "workflow must be Failed/Error to retry")
        matches = parse_node_selector(selector)
        nodes = self.nodes
        units = {}
        for node in nodes.values():
            if not node.get("boundaryID") or node["type"] == "DAG" or node["type"] == "Skipped":
                continue
            unit = self.parent_of(node) if (node.get("nodeFlag") or {}).get("retried") else node
            if unit is None or unit["type"] == "DAG":
                unit = node
            for ancestor in self.ancestors(unit):  # inside an attempt (a retried DAG): its Retry node starts over
                if ancestor["type"] == "Retry":
                    unit = ancestor
            picked = not matches or any(matches(n) for n in [node, unit] + list(self.ancestors(unit)))
            if picked and (unit["phase"] in (FAILED, ERROR) or (restart_successful and matches and unit["phase"] == SUCCEEDED)):
                units[unit["id"]] = unit
        to_delete, to_reset = set(), set()

        def delete_from(nid):
            stack = [nid]
            while stack:
                current = stack.pop()
                if current in to_delete or current not in nodes:
                    continue
                to_delete.add(current)
                stack.extend(nodes[current].get("children") or [])
        for unit in units.values():
            if unit["type"] == "Retry":
                for cid in unit.get("children") or []:  # its attempts go; the Retry node starts over
                    delete_from(cid)
                to_reset.add(unit["id"])
            else:
                delete_from(unit["id"])
            to_reset.update(a["id"] for a in self.ancestors(unit))
        for node in list(nodes.values()):
            if node["phase"] in (OMITTED, SKIPPED):
                delete_from(node["id"])
        for nid in to_delete:
            del nodes[nid]
            leaf = self.leaves.pop(nid, None)
            if leaf is not None:  # the server deletes the pod (RetryWorkflow's podsToDelete): its log is gone
                self.log_generation[leaf.pod] = self.log_generation.get(leaf.pod, 0) + 1
                self.log_done[leaf.pod] = True
            self.ended.pop(nid, None)
        for node in nodes.values():
            if node.get("children"):
                node["children"] = [c for c in node["children"] if c not in to_delete]
            if "outboundNodes" in node:
                node["outboundNodes"] = [c for c in node["outboundNodes"] if c not in to_delete]
        for nid in to_reset - to_delete:
            node = nodes[nid]
            node["phase"] = RUNNING
            self.ended.pop(nid, None)
            for key in ("finishedAt", "message", "outboundNodes", "outputs"):
                node.pop(key, None)
        status = self.wf["status"]
        status["phase"] = RUNNING
        status.pop("finishedAt", None)
        status.pop("message", None)
        self.wf["spec"].pop("shutdown", None)
        self.started = time.monotonic()
        self.update_progress()
        self.set_labels()
        self.store.commit(self, "MODIFIED")
        self.poke()


def parse_node_selector(selector):
    """A nodeFieldSelector ("displayName=db", "name=WF.db", "id=...", "templateName=x", "phase=Failed",
    several joined with commas, `!=` too) as a predicate on a node, or None for no selector."""
    if not selector:
        return None
    terms = []
    for term in selector.split(","):
        match = re.fullmatch(r"\s*([\w.]+)\s*(!=|==|=)\s*(.*?)\s*", term)
        if not match:
            raise ApiError(400, 3, f"invalid nodeFieldSelector: {term!r}")
        terms.append(match.groups())

    def matches(node):
        for key, op, value in terms:
            actual = node
            for part in key.split("."):
                actual = actual.get(part) if isinstance(actual, dict) else None
            if (str(actual) == value) != (op != "!="):
                return False
        return True
    return matches


# ---------------------------------------------------------------------------------------------------
# The HTTP side: Argo Server's REST API (grpc-gateway).

ROUTES = [
    ("POST", re.compile(r"^/api/v1/workflows/([^/]+)/?$"), "create"),
    ("GET", re.compile(r"^/api/v1/workflow-events/([^/]+)/?$"), "watch"),
    ("GET", re.compile(r"^/api/v1/workflows/([^/]+)/([^/]+)/log/?$"), "logs"),
    ("GET", re.compile(r"^/api/v1/workflows/([^/]+)/([^/]+)/([^/]+)/log/?$"), "pod_logs"),
    ("PUT", re.compile(r"^/api/v1/workflows/([^/]+)/([^/]+)/(retry|stop|terminate)/?$"), "action"),
    ("GET", re.compile(r"^/api/v1/workflows/([^/]+)/([^/]+)/?$"), "get"),
]


class StreamGone(Exception):
    """The client of a stream went away, or --drop-stream-after (--drop-logs-after) dropped it."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "argo-standin/1"

    # -- plumbing

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("standin: %s %s\n" % (self.address_string(), fmt % args))

    def do_GET(self):
        self.dispatch("GET")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_DELETE(self):
        self.dispatch("DELETE")

    def read_body(self):
        """The request's body (Content-Length or chunked), read whole so the connection stays usable."""
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_json(self, status, body):
        data = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_error_json(self, error):
        self.send_json(error.http_status, {"code": error.grpc_code, "message": error.message,
                                           "error": error.message, "details": []})

    def dispatch(self, method):
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query, keep_blank_values=True)
        self.query = {k: v[-1] for k, v in query.items()}
        body = self.read_body() if method in ("POST", "PUT") else b""
        try:
            self.injected_error(path)
            token = self.server.token
            if token is not None and self.headers.get("Authorization", "") != f"Bearer {token}":
                raise ApiError(401, 16, "token not valid. JWT token is invalid")
            for route_method, pattern, action in ROUTES:
                match = pattern.match(path)
                if match:
                    if route_method != method:
                        continue
                    args = [unquote(g) for g in match.groups()]
                    getattr(self, "api_" + action)(*args, body=body)
                    return
            if any(p.match(path) for _, p, _ in ROUTES):
                raise ApiError(405, 12, "Method Not Allowed")
            raise ApiError(404, 5, "Not Found")
        except ApiError as error:
            self.send_error_json(error)
        except StreamGone:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as error:  # a bug of the stand-in: a 500 in grpc-gateway's shape, and its traceback
            traceback.print_exc()
            self.close_connection = True
            try:
                self.send_error_json(ApiError(500, 13, f"Argo stand-in: internal error: {error!r}"))
            except OSError:
                pass

    def injected_error(self, path):
        """--status-for PATH_REGEX=CODE[:TIMES]: answer CODE to any request whose path matches."""
        for rule in self.server.status_rules:
            if rule["pattern"].search(path):
                with self.server.store.cond:
                    if rule["times"] is not None:
                        if rule["times"] <= 0:
                            continue
                        rule["times"] -= 1
                code = rule["code"]
                grpc = GRPC_FOR_HTTP.get(code, 2)
                raise ApiError(code, grpc, GRPC_MESSAGES.get(grpc, "unknown"))

    def run_of(self, namespace, name):
        run = self.server.store.runs.get((namespace, name))
        if run is None:
            raise ApiError(404, 5, f"workflows.argoproj.io \"{name}\" not found")
        return run

    def json_body(self, body):
        try:
            value = json.loads(body or b"{}")
        except ValueError as error:
            raise ApiError(400, 3, f"invalid JSON body: {error}")
        if not isinstance(value, dict):
            raise ApiError(400, 3, "the body must be a JSON object")
        return value

    # -- 1. POST /api/v1/workflows/{namespace}: WorkflowService.CreateWorkflow

    def api_create(self, namespace, body):
        request = self.json_body(body)
        workflow = request.get("workflow")
        if not isinstance(workflow, dict):
            raise ApiError(400, 3, "workflow body not specified")
        workflow = copy.deepcopy(workflow)
        workflow.pop("status", None)  # a client's status is not the controller's
        workflow.setdefault("apiVersion", "argoproj.io/v1alpha1")
        workflow.setdefault("kind", "Workflow")
        self.server.validate(workflow)
        metadata = workflow.setdefault("metadata", {})
        store = self.server.store
        with store.cond:
            if metadata.get("name"):
                name = metadata["name"]
                if (namespace, name) in store.runs:
                    raise ApiError(409, 6, f"workflows.argoproj.io \"{name}\" already exists")
            else:
                while True:
                    name = metadata["generateName"] + "".join(random.choice(string.ascii_lowercase) for _ in range(5))
                    if (namespace, name) not in store.runs:
                        break
            metadata.update({"name": name, "namespace": namespace, "uid": str(uuid.uuid4()),
                             "creationTimestamp": rfc3339(), "generation": 1})
            metadata.setdefault("annotations", {})["workflows.argoproj.io/pod-name-format"] = "v2"
            if request.get("serverDryRun"):
                self.send_json(200, workflow)  # checked and named, not created
                return
            workflow["status"] = {"phase": RUNNING, "startedAt": rfc3339(), "nodes": {}, "progress": "0/0"}
            run = Run(self.server, workflow)
            run.step()  # the controller's first pass: the root node (and the first pods, Pending)
            store.runs[(namespace, name)] = run
            store.commit(run, "ADDED")
            snapshot = run.snapshot
            threading.Thread(target=run.loop, name=f"controller {namespace}/{name}", daemon=True).start()
        self.send_json(200, snapshot)

    # -- 2. GET /api/v1/workflows/{namespace}/{name}: WorkflowService.GetWorkflow

    def api_get(self, namespace, name, body):
        with self.server.store.cond:
            snapshot = self.run_of(namespace, name).snapshot
        self.send_json(200, snapshot)

    # -- 5, 6. PUT .../retry, .../stop, .../terminate

    def api_action(self, namespace, name, action, body):
        request = self.json_body(body)
        with self.server.store.cond:
            run = self.run_of(namespace, name)
            if action == "retry":
                run.retry(bool(request.get("restartSuccessful")), request.get("nodeFieldSelector") or "")
            else:
                run.shut_down("Stop" if action == "stop" else "Terminate")
            snapshot = run.snapshot
        self.send_json(200, snapshot)

    # -- streams: Server-Sent Events or newline-delimited JSON, chunked

    def start_stream(self):
        self.sse = "text/event-stream" in self.headers.get("Accept", "")
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream" if self.sse else "application/json")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

    def send_message(self, text):
        """One message of the stream: `data: JSON` and a blank line (SSE), or JSON and a newline; one chunk, flushed."""
        data = (f"data: {text}\n\n" if self.sse else text + "\n").encode("utf-8")
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_stream(self):
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def drop_stream(self):
        """--drop-stream-after, --drop-logs-after: the stream ends abruptly (no last chunk), as a broken network would."""
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise StreamGone()

    def client_gone(self):
        """Has the client closed its end? (readable with nothing to read)"""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    # -- 3. GET /api/v1/workflow-events/{namespace}: WorkflowService.WatchWorkflows

    def api_watch(self, namespace, body):
        store = self.server.store
        wanted = parse_field_selector(self.query.get("listOptions.fieldSelector", ""), namespace)
        labels = parse_label_selector(self.query.get("listOptions.labelSelector", ""))
        since = self.query.get("listOptions.resourceVersion", "")

        def matches(ns, name, text):
            if not wanted(ns, name):
                return False
            return labels is None or labels(json.loads(text)["metadata"].get("labels") or {})

        with store.cond:
            named = named_in_field_selector(self.query.get("listOptions.fieldSelector", ""))
            if named is not None:
                self.run_of(namespace, named)  # Argo's WatchWorkflows gets a named workflow first: 404 if it is not there
            store.stream_connections += 1
            drop_after = self.server.drop_stream_after if store.stream_connections == 1 else None
            if since and since != "0":
                # Every change after that resourceVersion, in order (a Kubernetes watch from a version).
                try:
                    since_rv = int(since)
                except ValueError:
                    raise ApiError(400, 3, f"invalid resourceVersion: {since!r}")
                first = [e for e in store.events if e[0] > since_rv and matches(e[2], e[3], e[4])]
            else:
                # The current state of each workflow, as ADDED.
                first = sorted((int(run.wf["metadata"]["resourceVersion"]), "ADDED", run.namespace, run.name, run.snapshot)
                               for run in store.runs.values() if matches(run.namespace, run.name, run.snapshot))
            cursor = len(store.events)
        self.start_stream()
        sent = 0

        def send(event):
            nonlocal sent
            self.send_message(f'{{"result":{{"type":"{event[1]}","object":{event[4]}}}}}')
            sent += 1
            if drop_after is not None and sent >= drop_after:
                self.drop_stream()

        for event in first:
            send(event)
        while True:
            with store.cond:
                if cursor >= len(store.events):
                    store.cond.wait(0.5)
                batch = store.events[cursor:]
                cursor = len(store.events)
            for event in batch:
                if matches(event[2], event[3], event[4]):
                    send(event)
            if not batch and self.client_gone():
                raise StreamGone()

    # -- 4. GET .../{name}/log?podName=... and .../{name}/{podName}/log: WorkflowLogs, PodLogs

    def api_pod_logs(self, namespace, name, pod, body):
        self.api_logs(namespace, name, body=body, pod=pod)

    def api_logs(self, namespace, name, body, pod=None):
        store = self.server.store
        pod = pod or self.query.get("podName") or None
        follow = self.query.get("logOptions.follow", "").lower() == "true"
        container = self.query.get("logOptions.container") or "main"
        grep = self.query.get("grep") or None
        with store.cond:
            run = self.run_of(namespace, name)
            if pod is not None:
                # a pod by its name (v2: WF-TEMPLATE-HASH) or by its node's id (v1 names)
                found = [leaf.pod for nid, leaf in run.leaves.items() if pod in (leaf.pod, nid)]
                if not found:
                    raise ApiError(404, 5, f"pods \"{pod}\" not found")
                pod = found[0]
            store.log_connections += 1
            drop_after = self.server.drop_logs_after if store.log_connections == 1 else None
        self.start_stream()
        cursor = 0
        sent = 0
        while True:
            with store.cond:
                batch = run.logs[cursor:]
                cursor = len(run.logs)
                over = run.log_done.get(pod, True) if pod else run.wf["status"]["phase"] != RUNNING
                if not batch and follow and not over:
                    store.cond.wait(0.5)
                    batch = run.logs[cursor:]
                    cursor = len(run.logs)
                current = dict(run.log_generation)
            for pod_of_line, generation, line in batch:
                if pod not in (None, pod_of_line) or generation != current.get(pod_of_line) or container != "main":
                    continue
                if grep and not re.search(grep, line):
                    continue
                self.send_message(json.dumps({"result": {"content": line, "podName": pod_of_line}}, separators=(",", ":")))
                sent += 1
                if drop_after is not None and sent >= drop_after:
                    self.drop_stream()  # --drop-logs-after: the first log stream breaks, as --drop-stream-after's
            if not follow or (over and not batch):
                break
            if not batch and self.client_gone():
                raise StreamGone()
        self.end_stream()


def named_in_field_selector(selector):
    """The workflow a fieldSelector names (metadata.name=X), or None (RecoverWorkflowNameFromSelectorStringIfAny)."""
    for term in selector.split(","):
        match = re.fullmatch(r"\s*metadata\.name\s*==?\s*(.+?)\s*", term)
        if match:
            return match.group(1)
    return None


def parse_field_selector(selector, namespace):
    """A watch's fieldSelector (metadata.name=X, metadata.namespace=Y; = == !=) and the path's namespace, as a predicate."""
    terms = []
    for term in filter(None, (t.strip() for t in selector.split(","))):
        match = re.fullmatch(r"([\w.]+)\s*(!=|==|=)\s*(.*)", term)
        if not match:
            raise ApiError(400, 3, f"invalid field selector: {term!r}")
        terms.append(match.groups())

    def wanted(ns, name):
        if ns != namespace:
            return False
        for key, op, value in terms:
            actual = {"metadata.name": name, "metadata.namespace": ns}.get(key)
            if actual is None:
                continue
            if (actual == value) != (op != "!="):
                return False
        return True
    return wanted


def parse_label_selector(selector):
    """A labelSelector of equality terms (k=v, k==v, k!=v, k, !k), or None for none."""
    terms = [t.strip() for t in selector.split(",") if t.strip()]
    if not terms:
        return None

    def matches(labels):
        for term in terms:
            match = re.fullmatch(r"([^=!]+?)\s*(!=|==|=)\s*(.*)", term)
            if match:
                key, op, value = match.groups()
                if (labels.get(key) == value) != (op != "!="):
                    return False
            elif term.startswith("!"):
                if term[1:] in labels:
                    return False
            elif term not in labels:
                return False
        return True
    return matches


class StandinServer(ThreadingHTTPServer):
    daemon_threads = True  # a stream's thread must not keep the process alive
    request_queue_size = 64  # tests open many connections at once

    def __init__(self, address, options):
        super().__init__(address, Handler)
        self.store = Store()
        self.speed = options.speed
        self.token = options.token
        self.verbose = options.verbose
        self.drop_stream_after = options.drop_stream_after
        self.drop_logs_after = options.drop_logs_after
        self.fail_rules = {}
        for rule in options.fail:
            task, _, attempts = rule.partition(":")
            self.fail_rules[task] = int(attempts) if attempts else None
        self.status_rules = []
        for rule in options.status_for:
            pattern, _, code = rule.rpartition("=")
            code, _, times = code.partition(":")
            self.status_rules.append({"pattern": re.compile(pattern), "code": int(code),
                                      "times": int(times) if times else None})
        self.validator = argoschema.workflow_validator(options.schema)
        self.validator_lock = threading.Lock()

    def validate(self, workflow):
        """Argo's JSON Schema, closed as validate-workflow.py closes it, then Argo's validator's rules."""
        with self.validator_lock:
            errors = sorted(self.validator.iter_errors(workflow), key=lambda e: [str(p) for p in e.absolute_path])
        problems = [f"{'/'.join(str(p) for p in e.absolute_path) or '(the workflow)'}: {e.message}" for e in errors]
        metadata = workflow.get("metadata") or {}
        if not problems:
            if not metadata.get("name") and not metadata.get("generateName"):
                problems.append("metadata.name: Required value: name or generateName is required")
            name = metadata.get("name") or (metadata.get("generateName", "") + "abcde")
            if not K8S_NAME.match(name) or len(name) > 253:
                problems.append(f"metadata.name: Invalid value: {name!r}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'")
            problems += check_semantics(workflow)
        if problems:
            shown = problems[:5] + ([f"... and {len(problems) - 5} more"] if len(problems) > 5 else [])
            raise ApiError(400, 3, "; ".join(shown))


def main():
    parser = argparse.ArgumentParser(description="A stand-in for the Argo Workflows Server REST API, for tests.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument("--schema", default=os.path.join(HERE, "schema.json"), help="Argo's JSON Schema (default: schema.json beside this file)")
    parser.add_argument("--speed", type=float, default=1.0, help="time runs FACTOR times faster (50: a 25 s sleep takes 0.5 s)")
    parser.add_argument("--fail", action="append", default=[], metavar="TASK[:ATTEMPTS]",
                        help="the task's pods exit 1, for their first ATTEMPTS attempts (default: all)")
    parser.add_argument("--drop-stream-after", type=int, metavar="N", help="close the first event stream abruptly after N events")
    parser.add_argument("--drop-logs-after", type=int, metavar="N", help="close the first log stream abruptly after N lines")
    parser.add_argument("--status-for", action="append", default=[], metavar="PATH_REGEX=CODE[:TIMES]",
                        help="answer HTTP CODE (grpc-gateway error) to requests whose path matches (only TIMES times)")
    parser.add_argument("--token", help="require `Authorization: Bearer TOKEN`")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    options = parser.parse_args()
    if options.speed <= 0:
        parser.error("--speed must be positive")
    for rule in options.fail:
        task, _, attempts = rule.partition(":")
        if not task or (attempts and not attempts.isdigit()):
            parser.error(f"--fail {rule!r}: expected TASK or TASK:ATTEMPTS")
    for rule in options.status_for:
        pattern, eq, code = rule.rpartition("=")
        if not eq or not re.fullmatch(r"\d{3}(:\d+)?", code):
            parser.error(f"--status-for {rule!r}: expected PATH_REGEX=CODE or PATH_REGEX=CODE:TIMES")
        try:
            re.compile(pattern)
        except re.error as error:
            parser.error(f"--status-for {rule!r}: {error}")

    server = StandinServer(("127.0.0.1", options.port), options)

    def leave(signum, frame):
        sys.stdout.flush()
        os._exit(0)
    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGINT, leave)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever(poll_interval=0.2)


if __name__ == "__main__":
    main()
