"""flake8 and pylint driven in one long-running process, as an editor integration does: a models module
edited between two runs is read again (issue 10, item 4; reproducer d03). A real process per front."""
import subprocess
import sys

import pytest

from .harness import environment

DRIVER = '''
import contextlib, io, sys
from pathlib import Path

def pylint_count():
    from pylint.lint import Run
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        Run(["--load-plugins=uniqueguard", "--disable=all", "--enable=unguarded-create", "--score=n",
             "--persistent=n", "--rcfile=/dev/null", "shop/views.py"], exit=False)
    return out.getvalue().count("unguarded-create")

def flake8_count():
    from flake8.api import legacy
    return legacy.get_style_guide(select=["UNQ"], quiet=2).check_files(["shop/views.py"]).total_errors

count = {"pylint": pylint_count, "flake8": flake8_count}[sys.argv[1]]
models = Path("shop/models.py")
source = models.read_text()
counts = [count()]
models.write_text(source.replace(", unique=True", ""))
counts.append(count())
models.write_text(source)
counts.append(count())
print(counts)
'''


@pytest.mark.parametrize("front", ["flake8", "pylint"])
def test_an_edited_models_module_is_read_again_in_the_same_process(front, tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "manage.py").write_text("")
    (tmp_path / "shop" / "__init__.py").write_text("")
    (tmp_path / "shop" / "models.py").write_text(
        "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField(max_length=50, unique=True)\n")
    (tmp_path / "shop" / "views.py").write_text(
        "from shop.models import Tag\n\ndef add(request):\n    Tag.objects.create(name=request.POST['n'])\n")
    env = environment({"UNIQUEGUARD_CACHE_DIR": str(tmp_path / "cache")})
    env.pop("UNIQUEGUARD_NO_CACHE")  # the disk cache too must not hand back the old facts
    result = subprocess.run([sys.executable, "-c", DRIVER, front], cwd=str(tmp_path), capture_output=True,
                            text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[1,", "0,", "1]"], result.stdout + result.stderr
