"""Entry point of the ``plantls`` command: serve, check and rules."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from plantls import __version__
from plantls.core.diagnostics import Severity
from plantls.core.settings import Settings, find_config, load_config_file
from plantls.report import FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [c.strip().upper() for c in value.split(",") if c.strip()]


def _jobs(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError("must be 0 (one per CPU) or more")
    return n


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(
        prog="plantls",
        description="Language server and checker for PLC programs, grid models and fab recipes.",
    )
    parser.add_argument("--version", action="version", version=f"plantls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the language server (stdio by default)")
    serve.add_argument(
        "--tcp", metavar="HOST:PORT", help="listen on TCP (host defaults to loopback)"
    )

    check = sub.add_parser(
        "check",
        help="check files and folders, for CI",
        description="Check files and folders. Exit 0: nothing at or above --fail-on; "
        "1: findings; 2: usage or internal error.",
    )
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    check.add_argument("--format", choices=FORMATS, default="text", help="output format")
    check.add_argument(
        "-o", "--output-file", type=Path, metavar="FILE", help="write the report to FILE"
    )
    check.add_argument("--select", type=_codes, help="only these codes or prefixes (ST2,DSS101)")
    check.add_argument("--ignore", type=_codes, help="skip these codes or prefixes")
    check.add_argument(
        "--fail-on",
        choices=["error", "warning", "information", "hint"],
        help="exit 1 when a finding has this severity or worse (default: error)",
    )
    check.add_argument("--config", type=Path, help="settings file (default: nearest plantls.toml)")
    check.add_argument(
        "--baseline",
        type=Path,
        metavar="FILE",
        help="report only findings not in FILE; when FILE does not exist, write the current "
        "findings to it and exit 0",
    )
    check.add_argument(
        "--jobs", "-j", type=_jobs, default=1, metavar="N",
        help="check files in N processes (0: one per CPU; default 1)",
    )
    check.add_argument(
        "--stdin-filename",
        type=Path,
        metavar="PATH",
        help="check standard input as if it were the file PATH (its project, or the PATHs "
        "given, are indexed from disk around it)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file, without reading or writing the cache (also PLANTLS_NO_CACHE=1)",
    )
    check.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="keep the findings of unchanged files in DIR (default: .plantls_cache)",
    )
    # OpenDSS: also run the engine (in a scratch folder, with a time limit)
    check.add_argument(
        "--engine", action="store_true", help="also run OpenDSS scripts through the engine"
    )

    rules = sub.add_parser("rules", help="list the rules, or print one rule's doc")
    rules.add_argument("code", nargs="?", help="a rule code such as ST201")

    from plantls.cli import ai_commands, model_commands

    model_commands.add_parsers(sub)
    ai_commands.add_parsers(sub)
    return parser


def _load_settings(config: Path | None, start: Path) -> tuple[Settings, list[str]]:
    if config is not None:
        if not config.is_file():
            raise FileNotFoundError(f"config file not found: {config}")
        return load_config_file(config)
    found = find_config(start)
    return load_config_file(found) if found else (Settings(), [])


def cmd_check(args: argparse.Namespace) -> int:
    """Check files and print findings; exit 1 when any reach --fail-on."""
    from plantls.cli import check
    from plantls.report import formatters

    if not args.paths and args.stdin_filename is None:
        print("plantls: check needs a PATH (or --stdin-filename)", file=sys.stderr)
        return EXIT_ERROR
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        print(f"plantls: no such file or folder: {missing[0]}", file=sys.stderr)
        return EXIT_ERROR
    start = args.paths[0] if args.paths else args.stdin_filename
    settings, warnings = _load_settings(args.config, start)
    for warning in warnings:
        print(f"plantls: warning: {warning}", file=sys.stderr)
    settings = check.with_overrides(settings, args.select, args.ignore, args.fail_on)
    if args.engine:
        settings = check.with_engine(settings)

    if args.stdin_filename is not None:
        data = sys.stdin.buffer.read()
        results = [check.check_text(args.stdin_filename, data, settings, args.paths)]
    else:
        from plantls.cli import cache as result_cache

        cache = None
        if not args.no_cache and not result_cache.disabled_by_env():
            folder = args.cache_dir or Path(result_cache.DEFAULT_DIR)
            cache = result_cache.ResultCache(folder, settings)
        results = check.check_paths(args.paths, settings, jobs=args.jobs, cache=cache)

    if args.baseline is not None:
        from plantls.core.baseline import read_baseline

        if not args.baseline.exists():
            count = check.write_new_baseline(results, args.baseline)
            print(
                f"plantls: wrote {count} finding(s) to the new baseline {args.baseline}",
                file=sys.stderr,
            )
            keys = read_baseline(args.baseline)
        else:
            keys = read_baseline(args.baseline)
        results, fixed = check.apply_baseline(results, keys, args.baseline)
        if fixed:
            print(
                f"plantls: {fixed} baseline finding(s) no longer occur; delete "
                f"{args.baseline} and run again to shrink it",
                file=sys.stderr,
            )

    write = formatters()[args.format]
    if args.output_file is not None:
        with args.output_file.open("w", encoding="utf-8", newline="\n") as out:
            write(results, out)
    else:
        write(results, sys.stdout)
    worst = check.worst_severity(results)
    threshold = Severity.parse(settings.rules.fail_on)
    return EXIT_FINDINGS if worst is not None and worst >= threshold else EXIT_OK


def cmd_rules(args: argparse.Namespace) -> int:
    """List rules or print one rule's doc, like ``ruff rule``."""
    from plantls.core.suppressions import all_rules

    rules = all_rules()
    if args.code:
        code = args.code.upper()
        for rule in rules:
            if rule.code == code:
                print(rule.markdown())
                return EXIT_OK
        print(f"plantls: unknown rule {args.code!r}; `plantls rules` lists them", file=sys.stderr)
        return EXIT_ERROR
    for rule in rules:
        print(f"{rule.code:<7} {rule.severity.label:<11} {rule.name:<32} {rule.summary}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the language server."""
    from plantls.lsp.server import serve_stdio, serve_tcp

    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not port.isdigit():
            print("plantls: --tcp expects HOST:PORT or PORT", file=sys.stderr)
            return EXIT_ERROR
        serve_tcp(host or "127.0.0.1", int(port))
    else:
        serve_stdio()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from plantls.cli.ai_commands import HANDLERS as ai_handlers
    from plantls.cli.model_commands import HANDLERS as model_handlers

    handlers = {
        "check": cmd_check,
        "rules": cmd_rules,
        "serve": cmd_serve,
        **model_handlers,
        **ai_handlers,
    }
    if args.command not in handlers:
        parser.print_help()
        return EXIT_ERROR
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return EXIT_ERROR
    except (OSError, ValueError) as exc:
        print(f"plantls: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
