#!/usr/bin/env python3
"""Checks that every citation of the project's specs resolves.

Comments cite the behavioural specs as `docs/spec/<name>.md` followed, optionally,
by `§N`, `section N` or `sections N, M and K` (N like 5, 8.1 or 15.12). A citation
resolves when the file exists and, for each number, the file has a heading whose
number is N (`## 5.`, `### 8.1`) or, for N = S.I, section S holds a numbered
list item I. Prints each unresolved citation as path:line and exits non-zero if
there is one.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CITATION = re.compile(
    r"docs/spec/([a-z0-9-]+\.md)(?:,?\s*(?:§\s*|sections?\s+)((?:\d+(?:\.\d+)*)(?:(?:,\s*|\s+and\s+|,?\s*§\s*)\d+(?:\.\d+)*)*))?")
NUMBER = re.compile(r"\d+(?:\.\d+)*")


def anchors(path):
    """The section numbers a spec file answers to."""
    found = set()
    section = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            heading = re.match(r"#{2,4}\s+(\d+(?:\.\d+)*)\.?\s", line)
            if heading:
                section = heading.group(1)
                found.add(section)
                continue
            item = re.match(r"(\d+)\.\s", line)
            if item and section:
                found.add(f"{section}.{item.group(1)}")
    return found


def main():
    files = subprocess.check_output(["git", "ls-files", "src", "tests", "tools", "labs", "fixtures", "policies",
                                     "docs", "README.md"], cwd=ROOT, text=True).split()
    cache = {}
    problems = 0
    for rel in files:
        path = os.path.join(ROOT, rel)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        # A comment's citation may wrap: join "//" and "#" continuation lines.
        for number, line in enumerate(text.splitlines(), 1):
            for match in CITATION.finditer(line + " " + next_line(text, number)):
                if match.start() >= len(line):
                    break
                spec = os.path.join(ROOT, "docs", "spec", match.group(1))
                if not os.path.isfile(spec):
                    print(f"{rel}:{number}: no such spec: docs/spec/{match.group(1)}")
                    problems += 1
                    continue
                if spec not in cache:
                    cache[spec] = anchors(spec)
                for cited in NUMBER.findall(match.group(2) or ""):
                    if cited not in cache[spec]:
                        print(f"{rel}:{number}: docs/spec/{match.group(1)} has no section {cited}")
                        problems += 1
    print(f"{problems} unresolved citations")
    return 1 if problems else 0


def next_line(text, number):
    """Line `number`+1 without its comment marker, for citations that wrap."""
    lines = text.splitlines()
    if number >= len(lines):
        return ""
    return re.sub(r"^\s*(//|#|\*)?\s*", "", lines[number])


if __name__ == "__main__":
    sys.exit(main())
