#!/usr/bin/python3
"""Checks Argo Workflows that `fanout export --format argo` wrote against Argo's own JSON Schema.

Usage: validate-workflow.py SCHEMA FILE...

Each FILE is YAML or JSON, one document or several (a ConfigMap beside a Workflow). A Workflow is
checked against io.argoproj.workflow.v1alpha1.Workflow, more strictly than the schema says: Argo's
schema lets any object hold members it does not describe, which Kubernetes would drop or refuse,
so here a member the schema does not know is an error too (a misspelt "dependecies" must not
pass). A ConfigMap is checked by hand (the schema has no Kubernetes core types): string data only.
Prints each problem with its place and exits 1 when there is any.
"""
import sys

import yaml

import argoschema  # beside this file: Argo's schema, made strict


def place(error):
    return "/".join(str(p) for p in error.absolute_path) or "(the document)"


def check_config_map(document):
    problems = []
    if not document.get("metadata", {}).get("name"):
        problems.append("metadata.name: a ConfigMap needs a name")
    for key, value in (document.get("data") or {}).items():
        if not isinstance(value, str):
            problems.append(f"data/{key}: {value!r} is not a string")
    return problems


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    validator = argoschema.workflow_validator(sys.argv[1])
    failures = 0
    for name in sys.argv[2:]:
        with open(name, encoding="utf-8") as f:
            text = f.read()
        documents = [d for d in yaml.safe_load_all(text) if d is not None]
        workflows = 0
        for document in documents:
            kind = document.get("kind") if isinstance(document, dict) else None
            if kind == "Workflow":
                workflows += 1
                problems = [f"{place(e)}: {e.message}" for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))]
            elif kind == "ConfigMap":
                problems = check_config_map(document)
            else:
                problems = [f"a document of kind {kind!r}, neither a Workflow nor a ConfigMap"]
            for problem in problems:
                print(f"{name}: {kind}: {problem}")
            failures += len(problems)
        print(f"{name}: {len(documents)} document(s), {workflows} workflow(s) checked")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
