"""The `precis` command of the Python package (`python -m precis`, or `precis` once installed).

    precis report RECORDS.jsonl -o report.html [--system kind] [--human scores] [--results R.jsonl]
    precis score ...      the C++ command (docs/cli.md), shipped inside the wheel

`report` is written in Python (precis.report); every other subcommand runs the compiled `precis`
program that the wheel carries in precis/bin (a build tree has it in build/src/cli).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path


def _read_jsonl(path: str) -> list:
    rows = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                sys.exit(f"precis report: {path}:{number}: not a JSON object ({e.msg})")
    return rows


def _report(argv) -> int:
    parser = argparse.ArgumentParser(prog="precis report",
                                     description="Write a self-contained HTML report.")
    parser.add_argument("input", help="records (JSONL): summary, sources, optional id/system/doc")
    parser.add_argument("-o", "--output", default="report.html")
    parser.add_argument("--results", help="more metric columns (JSONL from `precis score`), "
                                          "one line per input record")
    parser.add_argument("--system", default="system_id", help="field naming each record's system")
    parser.add_argument("--document", default="doc_id", help="field naming each record's document")
    parser.add_argument("--human", help="field holding a human label, or an object of labels")
    parser.add_argument("--id-field", default="id")
    parser.add_argument("--summary-field", default="summary")
    parser.add_argument("--source-field", default="sources")
    parser.add_argument("--max-records", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--title", default=None)
    args = parser.parse_args(argv)

    import precis

    records = _read_jsonl(args.input)
    results = None
    if args.results:
        scored = _read_jsonl(args.results)
        if len(scored) != len(records):
            sys.exit(f"precis report: {args.results} has {len(scored)} lines, "
                     f"{args.input} {len(records)}")
        names = [k for k, v in scored[0].items() if isinstance(v, (int, float)) and k != "line"]
        results = {k: [row.get(k, float("nan")) for row in scored] for k in names}
    human = None
    if args.human:
        import pandas as pd
        labels = [r.get(args.human) for r in records]
        human = pd.DataFrame([v if isinstance(v, dict) else {args.human: v} for v in labels])
    system = args.system if any(args.system in r for r in records) else None
    path = precis.report(records, args.output, results=results, human=human, system=system,
                         document=args.document, id_field=args.id_field,
                         summary_field=args.summary_field, sources_field=args.source_field,
                         max_records=args.max_records, seed=args.seed,
                         title=args.title or f"precis report: {Path(args.input).name}")
    print(f"report written to {path}", file=sys.stderr)
    return 0


def _compiled_command() -> Path | None:
    here = Path(__file__).resolve().parent
    for candidate in (here / "bin" / "precis", here.parents[1] / "src" / "cli" / "precis"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _encoder_specs(argv) -> list:
    specs = []
    for k, arg in enumerate(argv):
        if arg == "--encoder" and k + 1 < len(argv):
            specs.append(argv[k + 1])
        elif arg.startswith("--encoder="):
            specs.append(arg.split("=", 1)[1])
    return specs


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "report":
        return _report(argv[1:])
    command = _compiled_command()
    if command is None:
        sys.exit("precis: this installation has no compiled `precis` command; "
                 "`precis report` is available (see docs/cli.md)")
    if "bert" in _encoder_specs(argv) and not os.environ.get("PRECIS_MODEL_DIR"):
        # `--encoder bert`: the installed model package's folder (the C++ command cannot ask
        # Python's package metadata itself).
        try:
            from .encoder import find_model
            os.environ["PRECIS_MODEL_DIR"] = str(find_model())
        except (ImportError, FileNotFoundError) as e:
            sys.exit(f"precis: --encoder bert: {e}")
    os.execv(str(command), [str(command), *argv])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
