"""What plantls's SARIF output must look like, derived from the SARIF 2.1.0 text.

This is not the official schema (that file is OASIS's and is not copied into the project);
it encodes the parts of the standard that plantls's output uses, strictly: required
properties, value ranges (1-based lines and columns), the level enumeration, no unknown
properties. ``semantic_problems`` adds the cross-references a schema cannot express.
"""

from typing import Any

_MESSAGE = {
    "type": "object",
    "required": ["text"],
    "properties": {"text": {"type": "string"}, "markdown": {"type": "string"}},
    "additionalProperties": False,
}
_ARTIFACT_LOCATION = {
    "type": "object",
    "required": ["uri"],
    "properties": {
        "uri": {"type": "string", "minLength": 1},
        "uriBaseId": {"type": "string"},
        "index": {"type": "integer", "minimum": -1},
    },
    "additionalProperties": False,
}
_REGION = {
    "type": "object",
    "required": ["startLine", "startColumn", "endLine", "endColumn"],
    "properties": {k: {"type": "integer", "minimum": 1}
                   for k in ("startLine", "startColumn", "endLine", "endColumn")},
    "additionalProperties": False,
}
_LEVEL = {"enum": ["none", "note", "warning", "error"]}
_RULE = {
    "type": "object",
    "required": ["id", "name", "shortDescription", "fullDescription", "help",
                 "defaultConfiguration"],
    "properties": {
        "id": {"type": "string", "pattern": "^[A-Z]+[0-9]+$"},
        "name": {"type": "string", "minLength": 1},
        "shortDescription": _MESSAGE,
        "fullDescription": _MESSAGE,
        "help": {**_MESSAGE, "required": ["text", "markdown"]},
        "helpUri": {"type": "string"},
        "defaultConfiguration": {
            "type": "object",
            "required": ["level"],
            "properties": {"level": _LEVEL},
            "additionalProperties": False,
        },
        "properties": {"type": "object"},
    },
    "additionalProperties": False,
}
_RESULT = {
    "type": "object",
    "required": ["ruleId", "level", "message", "locations", "partialFingerprints"],
    "properties": {
        "ruleId": {"type": "string"},
        "ruleIndex": {"type": "integer", "minimum": -1},
        "level": _LEVEL,
        "message": _MESSAGE,
        "locations": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["physicalLocation"],
                "properties": {
                    "physicalLocation": {
                        "type": "object",
                        "required": ["artifactLocation", "region"],
                        "properties": {"artifactLocation": _ARTIFACT_LOCATION,
                                       "region": _REGION},
                        "additionalProperties": False,
                    }
                },
                "additionalProperties": False,
            },
        },
        "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "additionalProperties": False,
}
SARIF_STRUCTURE: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "$schema": {"type": "string", "pattern": "^https://"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results", "artifacts", "columnKind"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "version", "rules"],
                                "properties": {
                                    "name": {"const": "plantls"},
                                    "version": {"type": "string"},
                                    "semanticVersion": {"type": "string"},
                                    "rules": {"type": "array", "items": _RULE},
                                },
                                "additionalProperties": False,
                            }
                        },
                        "additionalProperties": False,
                    },
                    "originalUriBaseIds": {
                        "type": "object",
                        "additionalProperties": _ARTIFACT_LOCATION,
                    },
                    "artifacts": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["location"],
                            "properties": {"location": _ARTIFACT_LOCATION,
                                           "sourceLanguage": {"type": "string"}},
                            "additionalProperties": False,
                        },
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "invocations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["executionSuccessful"],
                            "properties": {"executionSuccessful": {"type": "boolean"}},
                        },
                    },
                    "results": {"type": "array", "items": _RESULT},
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


def semantic_problems(log: dict[str, Any]) -> list[str]:
    """Cross-reference rules of SARIF that a JSON schema cannot check."""
    problems = []
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    if len(ids) != len(set(ids)):
        problems.append("rule ids are not unique")
    bases = run.get("originalUriBaseIds", {})
    for name, base in bases.items():
        if not base["uri"].startswith("file:///") or not base["uri"].endswith("/"):
            problems.append(f"base {name} must be an absolute file URI ending in '/'")
    artifacts = run["artifacts"]
    for i, res in enumerate(run["results"]):
        if "ruleIndex" in res and ids[res["ruleIndex"]] != res["ruleId"]:
            problems.append(f"result {i}: ruleIndex does not point at {res['ruleId']}")
        loc = res["locations"][0]["physicalLocation"]
        art, region = loc["artifactLocation"], loc["region"]
        if "uriBaseId" in art:
            if art["uriBaseId"] not in bases:
                problems.append(f"result {i}: unknown uriBaseId {art['uriBaseId']}")
            if art["uri"].startswith("/") or ":" in art["uri"].split("/")[0]:
                problems.append(f"result {i}: uri with a base id must be relative")
        if "index" in art and artifacts[art["index"]]["location"]["uri"] != art["uri"]:
            problems.append(f"result {i}: artifact index does not match the uri")
        start = (region["startLine"], region["startColumn"])
        if (region["endLine"], region["endColumn"]) < start:
            problems.append(f"result {i}: region ends before it starts")
    return problems
