"""Never lose a finding silently, measured where CI cannot afford to (issue 10, "Done when").

    python bench/reliability.py fuzz --seconds 300   # generated programs in views AND models modules
    python bench/reliability.py sweep                # the command line over the stdlib and site-packages

`fuzz` puts programs hypothesmith generates from Python's grammar into a small Django-shaped project,
through the engine, until the time is up: each one as a views module (with Django-shaped writes spliced
in) and as the models module the fixed views module imports (rewritten on disk each time, so the index
re-reads it in the same process). It counts internal failures — an UNQ000 that says uniqueguard itself
failed — and keeps each failing program under `--keep` for a reproducer.

`sweep` runs `uniqueguard check` over the Python standard library and a virtualenv's site-packages (this
interpreter's, or `--site-packages`) and sorts every UNQ000 by whether its file parses: a file that
parses must get none. (Files that do not parse — Python 2 leftovers, grammar test data — are said, as
they should be.)
"""
from __future__ import annotations

import argparse
import ast
import collections
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings

MODELS_HEAD = "from django.db import models\n"
MODELS_TAIL = """

class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    owner = models.OneToOneField("auth.User", on_delete=models.CASCADE)
"""
VIEWS = """from shop.models import Tag


def add(request):
    Tag.objects.create(name=request.POST["name"])
"""
DJANGO_TAIL = """
from shop.models import Tag
def _f(n, request):
    try:
        Tag.objects.create(name=n)
    except Exception:
        pass
    Tag(name=n).save()
    tag = Tag.objects.get(pk=n)
    tag = tag.replies.first()
    tag.name = request.POST["n"]
    tag.save()
"""


def _internal(found) -> list:
    return [f for f in found if f.code == "UNQ000" and getattr(f.failure, "value", None) == "internal"]


def fuzz(seconds: float, keep: str) -> int:
    from hypothesis import HealthCheck, Phase, given, settings
    import hypothesmith

    from uniqueguard.analysis.engine import check_source

    root = tempfile.mkdtemp(prefix="ugfuzz-")
    shop = os.path.join(root, "shop")
    os.makedirs(shop)
    for name, text in (("manage.py", ""), ("shop/__init__.py", ""), ("shop/views.py", VIEWS),
                       ("shop/models.py", MODELS_HEAD + MODELS_TAIL)):
        with open(os.path.join(root, name), "w") as handle:
            handle.write(text)
    views, models, generated = (os.path.join(shop, n) for n in ("views.py", "models.py", "generated.py"))
    counts = collections.Counter()
    failures = []

    def judge(where: str, text: str, path: str, source: str) -> None:
        found = check_source(text.encode("utf-8", "surrogatepass"), path)
        counts[f"checks ({where})"] += 1
        bad = _internal(found)
        if bad:
            counts[f"internal failures ({where})"] += 1
            failures.append((where, source, bad[0].message))

    def one(source: str) -> None:
        counts["programs"] += 1
        judge("views module", source + "\n" + DJANGO_TAIL, generated, source)
        models_text = MODELS_HEAD + source + MODELS_TAIL
        try:
            with open(models, "w", encoding="utf-8", errors="surrogatepass") as handle:
                handle.write(models_text)
        except ValueError:  # a lone surrogate (UnicodeEncodeError is one)
            counts["programs not writable as a file"] += 1
            return
        judge("models module itself", models_text, models, source)
        with open(views, "rb") as handle:
            judge("views importing it", handle.read().decode(), views, source)

    @settings(max_examples=20, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(source=hypothesmith.from_grammar() | hypothesmith.from_node())
    def batch(source):
        one(source)

    start = time.monotonic()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while time.monotonic() - start < seconds:
            batch()
    elapsed = time.monotonic() - start
    os.makedirs(keep, exist_ok=True)
    for index, (where, source, message) in enumerate(failures[:50]):
        with open(os.path.join(keep, f"failure{index}.py"), "w", encoding="utf-8", errors="surrogatepass") as out:
            out.write(f"# {where}: {message}\n{source}")
    print(f"fuzz: {counts['programs']} generated programs in {elapsed:.0f} s, python {sys.version.split()[0]}")
    for key in sorted(counts):
        if key != "programs":
            print(f"  {key}: {counts[key]}")
    total = sum(v for k, v in counts.items() if k.startswith("internal failures"))
    print(f"internal failures: {total}" + (f" (programs kept in {keep})" if total else ""))
    return 1 if total else 0


def _parses(path: str) -> bool:
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
        return True
    except (SyntaxError, ValueError, OSError, RecursionError, MemoryError):
        return False


def sweep(folders: list) -> int:
    missed = 0
    for folder in folders:
        start = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--no-cache", "--no-progress",
                                 "--format", "json", "-j", "2", folder], capture_output=True, text=True)
        elapsed = time.monotonic() - start
        try:
            rows = json.loads(result.stdout)
        except ValueError:
            print(f"{folder}: no JSON report (exit {result.returncode}): {result.stderr.strip()[:300]}")
            missed += 1
            continue
        files = sum(len([n for n in names if n.endswith(".py")]) for _, _, names in os.walk(folder))
        unq000 = [r for r in rows if r["code"] == "UNQ000"]
        on_parsing = [r for r in unq000 if _parses(os.path.join(folder, r["path"]) if not os.path.isabs(r["path"])
                                                   else r["path"])]
        codes = collections.Counter(r["code"] for r in rows)
        print(f"{folder}: {files} .py files in {elapsed:.0f} s, exit {result.returncode}; findings "
              f"{dict(sorted(codes.items()))}; UNQ000 on files that parse: {len(on_parsing)}, "
              f"on files that do not: {len(unq000) - len(on_parsing)}")
        for row in on_parsing[:10]:
            print(f"    {row['path']}:{row['line']}: {row['message'][:160]}")
        missed += len(on_parsing)
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("fuzz", help="generated programs through the engine")
    run.add_argument("--seconds", type=float, default=300)
    run.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "uniqueguard-fuzz-failures"))
    both = commands.add_parser("sweep", help="the command line over the stdlib and site-packages")
    both.add_argument("--site-packages", default=sysconfig.get_paths()["purelib"])
    args = parser.parse_args()
    if args.command == "fuzz":
        return fuzz(args.seconds, args.keep)
    return sweep([sysconfig.get_paths()["stdlib"], args.site_packages])


if __name__ == "__main__":
    sys.exit(main())
