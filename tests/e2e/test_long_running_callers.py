"""A write's callers edited while a linter keeps running (issue 11: the call graph is "invalidated the same
way" as the module facts). One process — flake8's or pylint's long-running use, or the engine called as
a library — lints the same project again and again while the files around a service write change on
disk: a caller loses or regains its `try/except IntegrityError`, a caller appears in a new file and goes
away with it, the helper's write disappears and comes back, a caller starts passing a loaded row instead
of one it has just created, the module a caller imports from re-exports the function from elsewhere. After each edit the process must report what
a fresh process reports. The same edits between separate command-line runs sharing one facts cache show
the cache on disk hands back nothing stale either. Real processes, real files in a temporary project."""
import json
import subprocess
import sys

import pytest

from .harness import environment

MODELS = ("from django.db import models\n\n\nclass Coupon(models.Model):\n"
          "    code = models.CharField(max_length=20, unique=True)\n")
SERVICES = "from .models import Coupon\n\n\ndef issue(code):\n    Coupon.objects.create(code=code)\n"
SERVICES_NO_WRITE = "from .models import Coupon\n\n\ndef issue(code):\n    return Coupon.objects.filter(code=code).first()\n"
VIEWS_GUARDED = ("from django.db import IntegrityError\n\nfrom .services import issue\n\n\ndef redeem(request):\n"
                 "    try:\n        issue(request.POST['code'])\n    except IntegrityError:\n        pass\n")
VIEWS_OPEN = ("from django.db import IntegrityError\n\nfrom .services import issue\n\n\ndef redeem(request):\n"
              "    issue(request.POST['code'])\n")
TASKS = "from .services import issue\n\n\ndef nightly(code):\n    issue(code)\n"
WRITE = ["shop/services.py", 5, "UNQ001"]  # the write, when every caller leaves it open alike
TASKS_CALL = ["shop/tasks.py", 5, "UNQ001"]  # the open call, when another caller guards the write

# (files written — None deletes —, files linted in one run, findings expected)
GUARDS = [
    ({"shop/views.py": VIEWS_GUARDED}, ["shop/services.py"], []),
    ({"shop/views.py": VIEWS_OPEN}, ["shop/services.py"], [WRITE]),  # the guard removed in a caller
    ({"shop/views.py": VIEWS_GUARDED}, ["shop/services.py"], []),  # and put back
    ({"shop/tasks.py": TASKS}, ["shop/tasks.py"], [TASKS_CALL]),  # an open caller in a new file
    ({"shop/tasks.py": None}, ["shop/services.py"], []),  # that file deleted
    ({"shop/tasks.py": TASKS}, ["shop/services.py", "shop/tasks.py"], [TASKS_CALL]),
    ({"shop/services.py": SERVICES_NO_WRITE}, ["shop/tasks.py"], []),  # the helper's write disappears
    ({"shop/services.py": SERVICES}, ["shop/tasks.py"], [TASKS_CALL]),  # and comes back
    ({"shop/views.py": VIEWS_OPEN}, ["shop/services.py", "shop/tasks.py"], [WRITE]),  # every caller open
    ({"shop/views.py": VIEWS_GUARDED}, ["shop/tasks.py"], [TASKS_CALL]),
]

# A parameter every caller feeds a row it has just created is a new row (its one-to-one insert cannot
# collide): the write's own verdict depends on its callers, and so do its helper summaries.
MODELS_ACCOUNTS = ("from django.db import models\n\n\nclass Account(models.Model):\n"
                   "    name = models.CharField(max_length=20)\n\n\nclass Wallet(models.Model):\n"
                   "    account = models.OneToOneField(Account, on_delete=models.CASCADE)\n")
WALLETS = "from .models import Wallet\n\n\ndef open_wallet(account):\n    Wallet.objects.create(account=account)\n"
SIGNUP_NEW = ("from .models import Account\nfrom .wallets import open_wallet\n\n\ndef signup(name):\n"
              "    account = Account.objects.create(name=name)\n    open_wallet(account)\n")
SIGNUP_LOADED = SIGNUP_NEW.replace("objects.create(", "objects.get(")
RESTORE = ("from django.db import IntegrityError\n\nfrom .models import Account\nfrom .wallets import open_wallet\n\n\n"
           "def restore(name):\n    account = Account.objects.create(name=name)\n    try:\n"
           "        open_wallet(account)\n    except IntegrityError:\n        pass\n")
NEW_ROWS = [
    ({"shop/signup.py": SIGNUP_NEW, "shop/restore.py": RESTORE}, ["shop/signup.py"], []),
    ({"shop/signup.py": SIGNUP_LOADED}, ["shop/signup.py"], [["shop/signup.py", 7, "UNQ001"]]),
    ({"shop/signup.py": SIGNUP_NEW}, ["shop/signup.py"], []),
    ({"shop/restore.py": None}, ["shop/wallets.py"], []),
    ({"shop/signup.py": SIGNUP_LOADED}, ["shop/wallets.py"], [["shop/wallets.py", 5, "UNQ001"]]),
    ({"shop/signup.py": SIGNUP_NEW}, ["shop/wallets.py"], []),
]
# What a caller's call calls is resolved through the module it imports from: a function moved to another
# module and re-exported is called there, though the caller's own file has not changed.
IMPL_CALL = ["shop/impl.py", 5, "UNQ001"]  # the write, when nothing calls its function
REEXPORTS = [
    ({"shop/views.py": VIEWS_GUARDED}, ["shop/impl.py"], [IMPL_CALL]),
    ({"shop/services.py": "from .impl import issue  # noqa: F401\n"}, ["shop/impl.py"], []),
    ({"shop/services.py": SERVICES}, ["shop/impl.py"], [IMPL_CALL]),
]
SCENARIOS = {"guards": ({"shop/models.py": MODELS, "shop/services.py": SERVICES}, GUARDS),
             "new_rows": ({"shop/models.py": MODELS_ACCOUNTS, "shop/wallets.py": WALLETS}, NEW_ROWS),
             "reexports": ({"shop/models.py": MODELS, "shop/services.py": SERVICES, "shop/impl.py": SERVICES},
                           REEXPORTS)}

DRIVER = '''
import contextlib, io, json, os, sys
from pathlib import Path

from uniqueguard.rules import BY_SYMBOL

def flake8_lint(paths):
    from flake8.api import legacy
    printed, sys.stdout = sys.stdout, io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # flake8 prints bytes
    try:
        legacy.get_style_guide(select=["UNQ"], format="%(path)s:%(row)d:%(code)s").check_files(paths)
        sys.stdout.flush()
        lines = sys.stdout.buffer.getvalue().decode().splitlines()
    finally:
        sys.stdout = printed
    return [line.split(":") for line in lines]

def pylint_lint(paths):
    from pylint.lint import Run
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        Run(["--load-plugins=uniqueguard", "--disable=all", "--enable=unguarded-create", "--score=n",
             "--persistent=n", "--rcfile=/dev/null", "--msg-template={path}:{line}:{symbol}", *paths], exit=False)
    rows = [line.split(":") for line in out.getvalue().splitlines() if line.count(":") == 2]
    return [[path, line, BY_SYMBOL[symbol].code] for path, line, symbol in rows if symbol in BY_SYMBOL]

def engine_lint(paths):
    from uniqueguard.analysis.engine import check_source
    return [[path, f.line, f.code] for path in paths for f in check_source(Path(path).read_bytes(), path)]

lint = {"flake8": flake8_lint, "pylint": pylint_lint, "engine": engine_lint}[sys.argv[1]]
seen = []
for files, paths, _ in json.loads(sys.stdin.read()):
    for name, text in files.items():
        if text is None:
            os.unlink(name)
        else:
            Path(name).write_text(text)
    seen.append(sorted([os.path.relpath(path).replace(os.sep, "/"), int(line), code] for path, line, code in lint(paths)))
print(json.dumps(seen))
'''


def _project(tmp_path, files):
    (tmp_path / "shop").mkdir()
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "shop" / "__init__.py").write_text("")
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    env = environment({"UNIQUEGUARD_CACHE_DIR": str(tmp_path / "cache")})
    env.pop("UNIQUEGUARD_NO_CACHE")  # the disk cache too must hand back nothing stale
    return env


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("front", ["flake8", "pylint", "engine"])
def test_callers_edited_while_one_process_keeps_linting(front, scenario, tmp_path):
    files, steps = SCENARIOS[scenario]
    env = _project(tmp_path, files)
    result = subprocess.run([sys.executable, "-c", DRIVER, front], cwd=str(tmp_path), capture_output=True,
                            text=True, env=env, timeout=600, input=json.dumps(steps))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    seen = json.loads(result.stdout)
    assert [(step, found) for step, found in enumerate(seen)] == \
        [(step, expected) for step, (_, _, expected) in enumerate(steps)]


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_callers_edited_between_command_line_runs_sharing_the_cache(scenario, tmp_path):
    files, steps = SCENARIOS[scenario]
    env = _project(tmp_path, files)
    seen = []
    for files, paths, _ in steps:
        for name, text in files.items():
            if text is None:
                (tmp_path / name).unlink()
            else:
                (tmp_path / name).write_text(text)
        result = subprocess.run([sys.executable, "-m", "uniqueguard", "check", "--format", "json", *paths],
                                cwd=str(tmp_path), capture_output=True, text=True, env=env, timeout=300)
        assert "Traceback" not in result.stderr, result.stderr
        seen.append(sorted([row["path"], row["line"], row["code"]] for row in json.loads(result.stdout)))
    assert [(step, found) for step, found in enumerate(seen)] == \
        [(step, expected) for step, (_, _, expected) in enumerate(steps)]


COUNTING = '''
import contextlib, io
from uniqueguard.index.modules import ModuleIndex
from pylint.lint import Run

calls = []
compare = ModuleIndex.changed_on_disk
ModuleIndex.changed_on_disk = lambda self: calls.append(1) or compare(self)
for _ in range(3):
    with contextlib.redirect_stdout(io.StringIO()):
        Run(["--load-plugins=uniqueguard", "--disable=all", "--enable=unguarded-create", "--score=n",
             "--persistent=n", "--rcfile=/dev/null", "shop"], exit=False)
print(len(calls))
'''


def test_pylint_compares_the_disk_once_per_run_not_at_every_module(tmp_path):
    """What a check compares (the index's files and folders, the call graph's files) is compared at the
    start of a pylint run, not at each of its modules: its checks use the options object its run was
    named with."""
    more = {f"shop/part{number}.py": f"def part{number}():\n    return {number}\n" for number in range(12)}
    env = _project(tmp_path, {**SCENARIOS["guards"][0], "shop/views.py": VIEWS_GUARDED, "shop/tasks.py": TASKS,
                              **more})
    result = subprocess.run([sys.executable, "-c", COUNTING], cwd=str(tmp_path), capture_output=True, text=True,
                            env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) <= 3, result.stdout  # 3 runs of 18 modules: once per run at most
