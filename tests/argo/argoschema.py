"""Argo's JSON Schema (schema.json beside this file), as Fanout's tests read it: stricter than it is.

Argo's schema lets any object hold members it does not describe, which Kubernetes would drop or
refuse; here an object that lists its properties is closed to others, so that a misspelt
"dependecies" is an error. Used by validate-workflow.py, standin.py and test_standin.py.
"""
import copy
import json
import os

import jsonschema

WORKFLOW = "io.argoproj.workflow.v1alpha1.Workflow"
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schema.json")


def strict(definitions):
    """The definitions, with every object that lists its properties closed to others."""
    closed = copy.deepcopy(definitions)
    for definition in closed.values():
        if definition.get("type") == "object" and "properties" in definition and "additionalProperties" not in definition:
            definition["additionalProperties"] = False
    return closed


def workflow_validator(path=SCHEMA):
    """A validator of Workflows against the strict schema at `path`."""
    with open(path, encoding="utf-8") as f:
        definitions = json.load(f)["definitions"]
    return jsonschema.Draft202012Validator({"$ref": "#/definitions/" + WORKFLOW, "definitions": strict(definitions)})
