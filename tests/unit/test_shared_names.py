"""The facts a run keeps name the same few imports over and over (a field class, `gettext_lazy`): each
qualified name is one shared string, whether the facts were read from source or from the disk cache,
not a string of its own per mention (issue 9's memory: half a megabyte on weblate)."""
import ast
import json

from uniqueguard.index.cache import decode_module, encode_module
from uniqueguard.index.facts import CallValue, module_facts

SOURCE = """
from django.db import models
from django.utils.translation import gettext_lazy as _

class {name}(models.Model):
    title = models.CharField(verbose_name=_("title"), max_length=10)
    parent = models.ForeignKey("self", on_delete=models.CASCADE)
"""


def _facts(name):
    return module_facts(ast.parse(SOURCE.format(name=name)), f"shop.{name.lower()}", f"/p/shop/{name.lower()}.py",
                        False)


def _field_calls(facts):
    """title's and parent's CallValues, and the verbose_name call inside title's."""
    assigns = dict(facts.classes[0].assigns)
    title, parent = assigns["title"], assigns["parent"]
    assert isinstance(title, CallValue) and isinstance(parent, CallValue)
    return title, parent, dict(title.kwargs)["verbose_name"]


def _same_names(first, second):
    for a, b in zip(_field_calls(first), _field_calls(second)):
        assert a.func == b.func
        assert a.func is b.func, a.func
    on_delete = [dict(_field_calls(facts)[1].kwargs)["on_delete"] for facts in (first, second)]
    assert on_delete[0].dotted == "django.db.models.CASCADE"
    assert on_delete[0].dotted is on_delete[1].dotted


def test_names_read_from_source_are_one_string_each():
    _same_names(_facts("Tag"), _facts("Label"))


def test_names_read_from_the_cache_are_one_string_each():
    def round_trip(facts):
        return decode_module(json.loads(json.dumps(encode_module(facts))))

    _same_names(round_trip(_facts("Tag")), round_trip(_facts("Label")))
