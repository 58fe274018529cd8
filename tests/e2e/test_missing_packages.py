"""Say what is missing (issue 14 item 6): a model base, a relation or an import pointing into a package
the lint environment cannot read (pre-commit's isolated environment, a bare CI step) is reported once per
run, naming the package and how to add it, in every front. Real processes throughout."""
import json
import subprocess
import sys

from .harness import environment
from .test_command_line import cli

MODELS = '''import json
from collections import OrderedDict

from django.db import models
from vendorbase.models import TimeStampedModel


class Tag(TimeStampedModel):
    name = models.CharField(max_length=50, unique=True)


class Note(models.Model):
    owner = models.OneToOneField("vendorauth.Account", on_delete=models.CASCADE)
    text = models.TextField()
'''

VIEWS = '''from os import path

from vendorshop.catalog import Product

from .models import Note, Tag


def add(n):
    Tag.objects.create(name=n)
    Product.objects.create(sku=n)
    Note.objects.create(owner_id=n, text=path.sep)
'''


def _tree(tmp_path):
    tree = tmp_path / "proj"
    (tree / "shop").mkdir(parents=True)
    (tree / "manage.py").write_text("")
    (tree / "shop" / "__init__.py").write_text("")
    (tree / "shop" / "models.py").write_text(MODELS)
    (tree / "shop" / "views.py").write_text(VIEWS)
    (tree / "shop" / "other_views.py").write_text(VIEWS)
    return tree


def _missing(stderr):
    return sorted(line.split(" package ")[1].split()[0] for line in stderr.splitlines()
                  if line.startswith("uniqueguard: note: ") and "is not installed where uniqueguard runs" in line)


def test_the_command_line_names_each_missing_package_once(tmp_path):
    tree = _tree(tmp_path)
    for jobs in ("1", "2"):
        result = cli(tree, "check", "--format", "json", "-j", jobs, "shop")
        assert _missing(result.stderr) == ["vendorbase", "vendorshop"], result.stderr
        notes = [line for line in result.stderr.splitlines() if line.startswith("uniqueguard: note:")]
        assert all("additional_dependencies" in line and "pip install" in line and "`unique`" in line
                   for line in notes)
        assert not [row for row in json.loads(result.stdout) if row["code"] == "UNQ000"]  # not a finding
        assert result.returncode == 1  # for the findings that are there
    # Where the linted file imports the package, the note points at that import.
    text = cli(tree, "check", "shop/views.py")
    assert "uniqueguard: note: shop/views.py:3:1: package vendorshop is not installed" in text.stderr
    assert "vendorshop" not in text.stdout
    assert "note" not in cli(tree, "check", "-q", "shop/views.py").stderr


def test_flake8_and_pylint_say_it_too(tmp_path):
    tree = _tree(tmp_path)
    for front in (["-m", "flake8", "--select=UNQ"], ["-m", "pylint", "--rcfile=/dev/null", "--load-plugins=uniqueguard",
                                                     "--disable=all", "--enable=unguarded-create"]):
        result = subprocess.run([sys.executable, *front, "shop/views.py", "shop/other_views.py"], cwd=str(tree),
                                capture_output=True, text=True, env=environment())
        # once per process: flake8 may run a worker per file
        assert sorted(set(_missing(result.stderr))) == ["vendorbase", "vendorshop"], result.stderr
        assert "UNQ000" not in result.stdout and "uniqueguard-unreadable" not in result.stdout


def test_declaring_the_unique_fields_or_installing_the_package_settles_it(tmp_path):
    tree = _tree(tmp_path)
    (tree / "pyproject.toml").write_text('[tool.uniqueguard]\nunique = {"vendorshop.Product" = ["sku"]}\n')
    declared = cli(tree, "check", "shop/views.py")
    assert _missing(declared.stderr) == ["vendorbase"]
    assert "shop/views.py:10:5: UNQ001 Product.objects.create()" in declared.stdout
    (tree / "pyproject.toml").unlink()
    vendor = tmp_path / "site-packages"
    for package, source in (("vendorbase", "from django.db import models\n\n\nclass TimeStampedModel(models.Model):\n"
                                           "    class Meta:\n        abstract = True\n"),
                            ("vendorshop", "")):
        (vendor / package).mkdir(parents=True)
        (vendor / package / "__init__.py").write_text("")
        (vendor / package / ("models.py" if package == "vendorbase" else "catalog.py")).write_text(source)
    installed = cli(tree, "check", "shop/views.py", env={"PYTHONPATH": str(vendor)})
    assert not _missing(installed.stderr) and "shop/views.py:9:5: UNQ001" in installed.stdout
