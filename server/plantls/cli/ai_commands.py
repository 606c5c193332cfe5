"""``plantls complete FILE:LINE:COL`` and ``plantls explain FILE:LINE`` (1-based lines and
columns): the editor's model features from the command line, through the same core."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
_WHERE = re.compile(r"^(?P<path>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")


def _model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="settings file (default: nearest plantls.toml)")
    parser.add_argument(
        "--backend",
        choices=["transformers", "llamacpp", "ctransformers", "openai", "none"],
        help="model.backend",
    )
    parser.add_argument("--model", metavar="PATH", help="model.path (folder or GGUF file)")
    parser.add_argument("--adapter", metavar="DIR", help="model.adapter")
    parser.add_argument("--url", help="model.url (openai backend)")
    parser.add_argument("--device", help="model.device (cpu, cuda)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``complete`` and ``explain`` to the ``plantls`` parser."""
    complete = sub.add_parser("complete", help="print the model's completion at FILE:LINE:COL")
    complete.add_argument("where", metavar="FILE:LINE:COL")
    complete.add_argument("--max-tokens", type=int, help="completion.max_tokens")
    complete.add_argument("--json", action="store_true", help="print the text with telemetry")
    _model_options(complete)
    explain = sub.add_parser("explain", help="explain the findings on FILE:LINE")
    explain.add_argument("where", metavar="FILE:LINE")
    _model_options(explain)


def _parse_where(text: str, need_col: bool) -> tuple[Path, int, int] | str:
    match = _WHERE.match(text)
    if match is None or (need_col and match["col"] is None):
        shape = "FILE:LINE:COL" if need_col else "FILE:LINE"
        return f"expected {shape} (1-based), got {text!r}"
    return Path(match["path"]), int(match["line"]), int(match["col"] or 1)


def _settings(args: argparse.Namespace, path: Path) -> tuple[Any, list[str]]:
    from plantls.core.settings import Settings, find_config, load_config_file, merge_settings

    if args.config is not None:
        settings, warnings = load_config_file(args.config)
    else:
        found = find_config(path)
        settings, warnings = load_config_file(found) if found else (Settings(), [])
    overrides: dict[str, Any] = {}
    for key in ("backend", "adapter", "url", "device"):
        if getattr(args, key, None):
            overrides[f"model.{key}"] = getattr(args, key)
    if getattr(args, "model", None):
        overrides["model.path"] = args.model
        if not args.backend and settings.model.backend == "none":
            overrides["model.backend"] = (
                "llamacpp" if str(args.model).lower().endswith(".gguf") else "transformers"
            )
    if getattr(args, "max_tokens", None):
        overrides["completion.max_tokens"] = args.max_tokens
    settings, more = merge_settings(settings, overrides, "command line")
    return settings, warnings + more


def _open(path: Path, settings: Any) -> tuple[Any, Any, Any] | str:
    from plantls.core.language import language_for_path
    from plantls.core.settings import find_config
    from plantls.core.workspace import Workspace, read_document

    if not path.is_file():
        return f"no such file: {path}"
    lang = language_for_path(path.name)
    if lang is None:
        return f"{path}: not a file plantls knows (ST, OpenDSS, recipes)"
    config = find_config(path)
    root = config.parent if config is not None else path.resolve().parent
    workspace = Workspace([root], settings)
    workspace.index_all()
    doc = read_document(path.resolve(), lang)
    workspace.open(doc)
    return doc, lang, workspace


def cmd_complete(args: argparse.Namespace) -> int:
    """Print the model's suggestion at a position."""
    from plantls.ai.completion import CompletionEngine, CompletionRequest
    from plantls.ai.service import ModelService
    from plantls.core.positions import Position

    where = _parse_where(args.where, need_col=True)
    if isinstance(where, str):
        print(f"plantls: {where}", file=sys.stderr)
        return EXIT_ERROR
    path, line, col = where
    settings, warnings = _settings(args, path)
    for warning in warnings:
        print(f"plantls: warning: {warning}", file=sys.stderr)
    if settings.model.backend == "none":
        print(
            "plantls: no model configured: set model.backend and model.path, or pass --model",
            file=sys.stderr,
        )
        return EXIT_ERROR
    opened = _open(path, settings)
    if isinstance(opened, str):
        print(f"plantls: {opened}", file=sys.stderr)
        return EXIT_ERROR
    doc, lang, workspace = opened
    settings = replace(settings, telemetry=replace(settings.telemetry, log=False))
    service = ModelService(settings)
    if service.load() != "ready":
        print(f"plantls: the model is not available: {service.error}", file=sys.stderr)
        return EXIT_ERROR
    try:
        offset = doc.lines.offset(Position(max(0, line - 1), max(0, col - 1)))
        engine = CompletionEngine(service)
        request = CompletionRequest(doc, lang, workspace, offset, kind="cli", automatic=False)
        found = asyncio.run(engine.complete(request, debounce=False))
        records = list(service.telemetry.records)
    finally:
        service.close()
    text = found.text if found is not None else ""
    if args.json:
        from dataclasses import asdict

        record = asdict(records[-1]) if records else {}
        print(json.dumps({"text": text, "telemetry": record}, indent=2))
    else:
        print(text)
    return EXIT_OK if text else EXIT_FINDINGS


def cmd_explain(args: argparse.Namespace) -> int:
    """Print markdown explaining the findings on a line."""
    from plantls.ai.explain import add_prose, explain_static
    from plantls.ai.service import ModelService

    where = _parse_where(args.where, need_col=False)
    if isinstance(where, str):
        print(f"plantls: {where}", file=sys.stderr)
        return EXIT_ERROR
    path, line, _col = where
    settings, warnings = _settings(args, path)
    for warning in warnings:
        print(f"plantls: warning: {warning}", file=sys.stderr)
    opened = _open(path, settings)
    if isinstance(opened, str):
        print(f"plantls: {opened}", file=sys.stderr)
        return EXIT_ERROR
    doc, _lang, workspace = opened
    exp = explain_static(workspace, doc, line - 1)
    service = None
    if settings.model.backend != "none":
        settings = replace(settings, telemetry=replace(settings.telemetry, log=False))
        service = ModelService(settings)
        if service.load() != "ready":
            print(f"plantls: warning: the model is not available: {service.error}",
                  file=sys.stderr)
    try:
        exp = add_prose(service, exp, doc)
    finally:
        if service is not None:
            service.close()
    print(exp.markdown())
    return EXIT_FINDINGS if exp.findings else EXIT_OK


HANDLERS = {"complete": cmd_complete, "explain": cmd_explain}
