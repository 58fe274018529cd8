"""Peak memory of pylint with uniqueguard loaded — its messages on, and off — against pylint alone.

    python bench/pylint_memory.py                 # 800 generated modules, one run per figure
    python bench/pylint_memory.py --modules 400 --functions 60 --runs 3

Target (issue 10): the plugin loaded keeps peak memory within 1.1x of pylint alone on a project of 800
modules. The project is generated in a temporary folder: eight apps, each a models module with unique
fields and modules of functions, every one of which writes (`obj.save()`, `Model.objects.create(...)`),
so the plugin has every module to judge. pylint runs with one cheap message of its own (`unused-import`);
"messages on" adds uniqueguard's default-on messages. Each figure is the peak RSS of that pylint process
alone (`measure.once`), the median over `--runs`.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from measure import once  # noqa: E402

OURS = "uniqueguard-unreadable,unguarded-create,check-then-create-race,integrity-error-in-atomic"
MODELS = '''from django.db import models


class Item(models.Model):
    code = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=80)
'''


def _module(app: str, functions: int = 60) -> str:
    body = [f"from {app}.models import Item\n\n"]
    for i in range(functions):
        body.append(f"def f{i}(obj, a, b, request):\n    x = [a, b, {i}]\n    y = {{'k': x, 'v': a + b}}\n"
                    f"    if a > b:\n        obj.value = y\n    obj.save()\n"
                    f"    Item.objects.create(code=request.POST['code'], title=str(x))\n    return x\n\n")
    return "".join(body)


def generate(root: str, modules: int, functions: int, apps: int = 8) -> list:
    open(os.path.join(root, "manage.py"), "w").close()
    names = []
    for a in range(apps):
        app = f"app{a}"
        os.makedirs(os.path.join(root, app), exist_ok=True)
        open(os.path.join(root, app, "__init__.py"), "w").close()
        with open(os.path.join(root, app, "models.py"), "w") as handle:
            handle.write(MODELS)
        names.append(app)
    for n in range(modules - 2 * apps):
        app = f"app{n % apps}"
        with open(os.path.join(root, app, f"mod{n}.py"), "w") as handle:
            handle.write(_module(app, functions))
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=800)
    parser.add_argument("--functions", type=int, default=12, help="functions per module (each writes twice)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ugmem-") as root:
        apps = generate(root, args.modules, args.functions)
        env = dict(os.environ, UNIQUEGUARD_CACHE_DIR=os.path.join(root, ".ugcache"))
        base = [sys.executable, "-m", "pylint", "--rcfile=/dev/null", "--persistent=n", "--score=n",
                "--disable=all"]
        commands = {
            "pylint alone": base + ["--enable=unused-import", *apps],
            "plugin loaded, its messages off": base + ["--load-plugins=uniqueguard", "--enable=unused-import", *apps],
            "plugin loaded, its messages on": base + ["--load-plugins=uniqueguard",
                                                      f"--enable=unused-import,{OURS}", *apps],
        }
        peaks = {}
        for name, command in commands.items():
            runs = [once(command, cwd=root, env=env) for _ in range(args.runs)]
            peaks[name] = statistics.median(r["peak_kb"] for r in runs) / 1024
            seconds = statistics.median(r["seconds"] for r in runs)
            findings = runs[-1]["stdout"].count("unguarded-create")
            print(f"{name:34} peak {peaks[name]:7.1f} MB   {seconds:6.1f} s   unguarded-create: {findings}")
        alone = peaks["pylint alone"]
        print(f"\n{args.modules} modules of {args.functions} functions, python {sys.version.split()[0]}, "
              f"median of {args.runs} run(s)")
        for name in list(commands)[1:]:
            ratio = peaks[name] / alone
            print(f"{name}: {ratio:.2f}x pylint alone (target 1.1x) — {'holds' if ratio <= 1.1 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
