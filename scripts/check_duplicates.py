"""Fail on a new repeated block of 6 or more lines in api/, web/ and shared_models/.

pylint's `symilar` finds the blocks (the same lines, once comments, docstrings, imports
and signatures are set aside). The repeats that were there when the check came in are
listed in scripts/duplicates_baseline.txt, one line per block: the files that share it.
A block between files that the baseline does not list (or more blocks between them than
it lists) fails, and so does a listed block that has gone, so the list only shrinks.
A block is keyed by its files, not its lines, so edits around it do not disturb it.

    python scripts/check_duplicates.py           # the check (`make lint`)
    python scripts/check_duplicates.py --write   # rewrite the baseline (after mending)
"""

import argparse
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scripts" / "duplicates_baseline.txt"
FOLDERS = ("api", "web", "shared_models")
MIN_LINES = 6
HEADER = re.compile(r"^(\d+) similar lines in (\d+) files$")
PLACE = re.compile(r"^==(.+):\[(\d+):(\d+)\]$")


def _sources() -> list[str]:
    files = []
    for folder in FOLDERS:
        files += [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / folder).rglob("*.py"))]
    return files


def find_blocks() -> list[tuple[str, list[str]]]:
    """Each repeated block: its key (the files, sorted, joined by ' ~ ') and its report."""
    command = [
        sys.executable,
        "-c",
        "import pylint; pylint.run_symilar()",
        f"--duplicates={MIN_LINES}",
        "--ignore-comments",
        "--ignore-docstrings",
        "--ignore-imports",
        "--ignore-signatures",
        *_sources(),
    ]
    output = subprocess.run(  # noqa: S603 (our own interpreter, our own file names)
        command, cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    blocks: list[tuple[str, list[str]]] = []
    report: list[str] | None = None
    files: list[str] = []
    for line in output.splitlines():
        if HEADER.match(line):
            report, files = [line], []
            continue
        if report is None:
            continue
        if place := PLACE.match(line):
            files.append(place.group(1))
            report.append(f"  {place.group(1)}:{int(place.group(2)) + 1}-{place.group(3)}")
            continue
        if not line.strip() or line.startswith("TOTAL"):
            if files:
                blocks.append((" ~ ".join(sorted(files)), report))
            report = None
    if "TOTAL lines=" not in output:
        raise SystemExit(f"symilar did not finish:\n{output[-2000:]}")
    return blocks


def _read_baseline() -> Counter[str]:
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return Counter(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite the baseline")
    arguments = parser.parse_args()
    blocks = find_blocks()
    found = Counter(key for key, _ in blocks)
    if arguments.write:
        text = BASELINE.read_text(encoding="utf-8") if BASELINE.exists() else ""
        head = [line for line in text.splitlines() if line.startswith("#")]
        body = sorted(found.elements())
        BASELINE.write_text("\n".join([*head, *body]) + "\n", encoding="utf-8")
        print(f"{BASELINE.relative_to(ROOT)}: {len(body)} blocks")
        return 0
    listed = _read_baseline()
    new, gone = found - listed, listed - found
    for key in sorted(new):
        print(f"NEW repeated block of {MIN_LINES}+ lines ({key}); factor it out:")
        for block_key, report in blocks:
            if block_key == key:
                print("\n".join(report))
    for key in sorted(gone):
        print(f"GONE from the code, still in {BASELINE.name} (take its line off): {key}")
    if new or gone:
        return 1
    print(f"duplicates: {sum(found.values())} known repeated blocks, no new one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
