#!/usr/bin/env python3
"""Keeps the module arrows of docs/architecture.md honest.

Each src/<module> may include headers of the modules listed for it (and its
own); SQLite only from store/, OpenSSL only from crypto/. Exits 1 and names
every offending #include line.
"""
import pathlib
import re
import sys

ALLOWED = {
    "core": set(),
    "policy": {"core"},
    "crypto": {"core"},
    "store": {"core"},
    "iam": {"core", "policy", "store"},
    "audit": {"core", "policy", "store"},  # store: the trail's table
    "kms": {"core", "policy", "crypto", "store", "iam", "audit"},
    # crypto: items sealed under data keys; store: tables and items; policy: its types via kms/
    "ddb": {"core", "policy", "crypto", "store", "iam", "audit", "kms"},
    "http": {"core", "crypto", "iam", "kms", "ddb"},  # crypto: SigV4 HMAC
    "cli": {"core", "policy", "crypto", "store", "iam", "audit", "kms", "ddb", "http"},
}
# Third-party headers fenced into one module.
FENCED = {"sqlite3.h": "store", "openssl/": "crypto"}

INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main(root):
    src = pathlib.Path(root) / "src"
    problems = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        module = path.relative_to(src).parts[0]
        if module not in ALLOWED:
            problems.append(f"{path}: module '{module}' is not in the layer table")
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            m = INCLUDE.match(line)
            if not m:
                continue
            kind, header = m.groups()
            if kind == '"':
                target = header.split("/")[0]
                if target != module and target not in ALLOWED[module]:
                    problems.append(f"{path}:{number}: {module}/ may not include {header}")
            else:
                for prefix, owner in FENCED.items():
                    if header.startswith(prefix) and module != owner:
                        problems.append(f"{path}:{number}: <{header}> belongs to {owner}/ only")
    for p in problems:
        print(p)
    print(f"layer check: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
