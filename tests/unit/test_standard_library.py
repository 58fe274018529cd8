"""The standard library defines no Django model: asking whether one of its classes is one reads nothing
(enum.py, typing.py and _pydecimal.py are among its largest modules, and were read in full at the flake8
run's peak of memory), while a project package that shadows a standard-library name is still read."""
import enum
import os

from uniqueguard.analysis.engine import check_source
from uniqueguard.config import Options
from uniqueguard.index.project import Project

MODELS = """\
import decimal
import enum
import io
import typing

from django.db import models


class Status(enum.Enum):
    OPEN = "open"


class Price(decimal.Decimal):
    pass


class Pair(typing.NamedTuple):
    left: int


class Buffer(io.StringIO):
    # a standard-library base gives no model metaclass: this is not a model, whatever its body says
    name = models.CharField(max_length=10, unique=True)


class Tag(models.Model):
    name = models.CharField(max_length=10, unique=True)
"""

SHADOWING = """\
from django.db import models


class Event(models.Model):
    slug = models.SlugField(unique=True)
"""

VIEWS = """\
from calendar.models import Event
from shop.models import Buffer, Tag


def add(request):
    Tag.objects.create(name=request.POST["name"])  # expect: UNQ001
    Event.objects.create(slug=request.POST["slug"])  # expect: UNQ001
    Buffer(name=request.POST["name"]).save()
"""


def _write(root, files):
    for relpath, text in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _tree(tmp_path):
    _write(tmp_path, {"pyproject.toml": "", "shop/__init__.py": "", "shop/models.py": MODELS, "shop/views.py": VIEWS,
                      "calendar/__init__.py": "", "calendar/models.py": SHADOWING})


def test_no_standard_library_module_is_read_to_find_the_projects_models(tmp_path):
    _tree(tmp_path)
    project = Project(str(tmp_path))
    assert sorted(m.qualname for m in project.registry.project_models()) == ["calendar.models.Event",
                                                                             "shop.models.Tag"]
    for name in ("shop.models.Status", "shop.models.Price", "shop.models.Pair", "shop.models.Buffer", "enum.Enum"):
        assert project.model(name) is None
    stdlib = os.path.dirname(os.path.abspath(enum.__file__))
    read = [path for path in project.modules._facts_by_path if os.path.dirname(path) == stdlib]
    assert read == []


def test_a_project_package_named_like_a_standard_library_module_is_the_projects(tmp_path):
    _tree(tmp_path)
    project = Project(str(tmp_path))
    assert not project.modules.in_standard_library("calendar.models.Event")
    assert project.modules.in_standard_library("enum.Enum") and project.modules.in_standard_library("io.StringIO")
    assert project.modules.in_standard_library("itertools.chain")  # built in: no source at all
    assert not project.modules.in_standard_library("shop.models.Tag")


def test_writes_next_to_standard_library_classes_are_judged_as_before(tmp_path):
    _tree(tmp_path)
    views = tmp_path / "shop" / "views.py"
    found = check_source(views.read_bytes(), str(views), Options(cache=False))
    assert [(f.line, f.code) for f in found] == [(6, "UNQ001"), (7, "UNQ001")]
