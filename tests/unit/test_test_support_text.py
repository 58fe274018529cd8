"""A module whose own lines import a test framework at top level is test support, known without parsing it
whole (support_code.shows_test_support): never analysed, as when its tree said so. A line that only looks
like such an import (inside a string, a longer module name, `from django import test`) decides nothing:
the whole tree does, and the module's writes are judged as before."""
import pytest

from uniqueguard.analysis.support_code import shows_test_support

MODELS = """\
from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=10, unique=True)
"""

WRITES = """
from shop.models import Tag


def add(request):
    Tag.objects.create(name=request.POST["name"])  # expect: UNQ001
"""

SUPPORT = {
    "plain": "import pytest\n",
    "dotted": "import unittest.mock\n",
    "from": "from django.test.utils import override_settings\n",
    "factory": '"""Factories."""\nimport os\n\nimport factory\n',
}

LOOK_ALIKES = {
    "in a string": 'NOTE = """\nimport pytest\n"""\n',
    "a longer name": "import pytest_helpers\n",
    "from django import test": "from django import test\n",
    "relative": "from .unittest import helpers\n",
}

# Test support the text cannot show: the whole tree says so, as before.
TREE_DECIDES = {
    "under an if": "import sys\nif sys.version_info:\n    import pytest\n",
    "continued": "from django.test import (\n    TestCase,\n)\n",
    "after another module": "import os, unittest\n",
}


@pytest.mark.parametrize("name", sorted(SUPPORT))
def test_a_module_whose_lines_import_a_test_framework_is_settled_unparsed(project, parses, name):
    project.write("shop/models.py", MODELS)
    path = project.write("shop/support.py", SUPPORT[name] + WRITES)
    assert shows_test_support(path.read_bytes()) and shows_test_support(path.read_text())
    assert project.lint("shop/support.py") == []
    assert parses[str(path)] == 0


@pytest.mark.parametrize("name", sorted(LOOK_ALIKES))
def test_a_line_that_only_looks_like_a_test_import_decides_nothing(project, name):
    project.write("shop/models.py", MODELS)
    path = project.write("shop/views.py", LOOK_ALIKES[name] + WRITES)
    assert not shows_test_support(path.read_bytes())
    assert project.lint("shop/views.py") == [(len(LOOK_ALIKES[name].splitlines()) + 6, "UNQ001")]


@pytest.mark.parametrize("name", sorted(TREE_DECIDES))
def test_test_support_the_text_cannot_show_is_found_in_the_tree(project, parses, name):
    project.write("shop/models.py", MODELS)
    path = project.write("shop/support.py", TREE_DECIDES[name] + WRITES)
    assert not shows_test_support(path.read_bytes())
    assert project.lint("shop/support.py") == []
    assert parses[str(path)] == 1


def test_the_call_graph_reads_no_test_support_module_for_its_calls(project, parses):
    """A helper's callers are looked for in every module naming it; a test-support one calls nothing in
    production and is not parsed to find that out."""
    project.write("shop/models.py", MODELS)
    project.write("shop/services.py", "from shop.models import Tag\n\n\ndef tag(name):\n"
                                      "    Tag.objects.create(name=name)  # expect: UNQ001\n")
    support = project.write("shop/checks.py", "import pytest\nfrom shop.services import tag\n\n\n"
                                              "def test_tag():\n    tag('x')\n")
    assert project.lint("shop/services.py") == [(5, "UNQ001")]
    assert parses[str(support)] == 0
