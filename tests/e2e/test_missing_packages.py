"""Say what is missing (issue 14 item 6): a model base, a relation or an import pointing into a package
the lint environment cannot read (pre-commit's isolated environment, a bare CI step) is reported once per
run, naming the package and how to add it, in every front. Real processes throughout."""
import json

from .harness import run_flake8, run_pylint
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


def _missing(messages):
    return sorted(m.split()[1] for m in messages if m.startswith("package ") and "is not installed" in m)


def test_the_command_line_names_each_missing_package_once(tmp_path):
    tree = _tree(tmp_path)
    for jobs in ("1", "2"):
        result = cli(tree, "check", "--format", "json", "-j", jobs, "shop")
        rows = json.loads(result.stdout)
        notes = [row for row in rows if row["code"] == "UNQ000"]
        assert _missing(row["message"] for row in notes) == ["vendorbase", "vendorshop"], rows
        assert all("additional_dependencies" in row["message"] and "pip install" in row["message"]
                   and "`unique`" in row["message"] for row in notes)
        assert result.returncode == 1
    # Where the package is named, the note sits on the import.
    text = cli(tree, "check", "shop/views.py").stdout
    assert "shop/views.py:3:1: UNQ000 package vendorshop is not installed" in text


def test_flake8_and_pylint_say_it_too(tmp_path):
    tree = _tree(tmp_path)
    for found in (run_flake8(tree, ["shop/views.py"]), run_pylint(tree, ["shop/views.py"])):
        assert ("shop/views.py", 3, "UNQ000") in found


def test_declaring_the_unique_fields_or_installing_the_package_settles_it(tmp_path):
    tree = _tree(tmp_path)
    vendor = tmp_path / "site-packages"
    for package, source in (("vendorbase", "from django.db import models\n\n\nclass TimeStampedModel(models.Model):\n"
                                           "    class Meta:\n        abstract = True\n"),
                            ("vendorshop", "")):
        (vendor / package).mkdir(parents=True)
        (vendor / package / "__init__.py").write_text("")
        (vendor / package / ("models.py" if package == "vendorbase" else "catalog.py")).write_text(source)
    result = cli(tree, "check", "--format", "json", "shop/views.py", env={"PYTHONPATH": str(vendor)})
    rows = json.loads(result.stdout)
    assert not _missing(row["message"] for row in rows)
    assert ("UNQ001", 9) in {(row["code"], row["line"]) for row in rows}  # Tag's unique name, base now read
