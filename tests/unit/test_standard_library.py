"""The standard library defines no Django model: asking whether one of its classes is one reads nothing
(enum.py, typing.py and _pydecimal.py are among its largest modules, and were read in full at the flake8
run's peak of memory), while a project package that shadows a standard-library name is still read."""
import enum
import os

from uniqueguard.index.project import Project as Index

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


def _index(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", VIEWS)
    project.write("calendar/__init__.py", "")
    project.write("calendar/models.py", SHADOWING)
    return Index(str(project.root))


def test_no_standard_library_module_is_read_to_find_the_projects_models(project):
    index = _index(project)
    models = sorted(m.qualname for m in index.registry.project_models())
    assert models == ["calendar.models.Event", "shop.models.Tag"]
    for name in ("shop.models.Status", "shop.models.Price", "shop.models.Pair", "shop.models.Buffer", "enum.Enum"):
        assert index.model(name) is None
    stdlib = os.path.dirname(os.path.abspath(enum.__file__))
    read = [path for path in index.modules._facts_by_path
            if path.startswith(stdlib + os.sep) and "site-packages" not in path]
    assert read == []


def test_a_project_package_named_like_a_standard_library_module_is_the_projects(project):
    modules = _index(project).modules
    assert not modules.in_standard_library("calendar.models.Event")
    assert modules.in_standard_library("enum.Enum") and modules.in_standard_library("io.StringIO")
    assert modules.in_standard_library("itertools.chain")  # built in: no source at all
    assert not modules.in_standard_library("shop.models.Tag")


def test_writes_to_models_still_fire_and_a_class_on_a_standard_library_base_is_no_model(project):
    """`Buffer` was taken for a model (io.StringIO is C code: an unreadable base, and a unique field in
    its body); at run time it has no manager, no table and no save() of Django's."""
    _index(project)
    assert project.lint("shop/views.py") == [(6, "UNQ001"), (7, "UNQ001")]


CALLING_VIEWS = """\
import copy
import datetime
import zipfile

from shop.models import Tag


def stamp(request):
    name = datetime.datetime(2020, 1, 1)
    Tag.objects.create(name=name)  # expect: UNQ001


def upload(request, template):
    with zipfile.ZipFile(request.FILES["archive"]) as archive:
        Tag.objects.create(name=archive.namelist()[0])  # expect: UNQ001
    tag = copy.copy(template)
    tag.name = request.POST["name"]
    tag.save()
"""


def test_no_standard_library_module_is_read_for_a_call_of_one_of_its_classes(project, monkeypatch):
    """What the guards look for in a called function (a query of the project's models, Django's
    `transaction.atomic`), a form or serializer class, a name bound to a model: none is in the standard
    library, whose modules were parsed whole for each call of one of its classes (`datetime.datetime(...)`,
    `zipfile.ZipFile(...)`, `copy.copy(...)`: datetime.py and zipfile.py are 90 kB each)."""
    from uniqueguard.index import discovery

    read = []
    real = discovery.parse_source

    def parse_source(source, path, *args, **kwargs):
        read.append(os.path.abspath(path))
        return real(source, path, *args, **kwargs)

    monkeypatch.setattr(discovery, "parse_source", parse_source)
    project.write("shop/models.py", MODELS)
    project.write("shop/calls.py", CALLING_VIEWS)
    assert project.lint("shop/calls.py") == [(10, "UNQ001"), (15, "UNQ001")]
    stdlib = os.path.dirname(os.path.abspath(enum.__file__))
    assert [path for path in read if path.startswith(stdlib + os.sep) and "site-packages" not in path] == []
