"""New rows spelled as copies, and loop values distinct because the rows they come from are unique on them."""
import pytest

MODELS = """
    from django.db import models


    class Tag(models.Model):
        name = models.CharField(max_length=20)


    class Order(models.Model):
        number = models.CharField(max_length=20)
        tags = models.ManyToManyField(Tag)


    class Line(models.Model):
        order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
        position = models.IntegerField()
        note = models.CharField(max_length=20)

        class Meta:
            unique_together = [("order", "position")]
"""

HELPERS = """
    def copy_of(obj):
        return obj.__class__(**{"number": obj.number})


    def typed_copy(obj, extra=None):
        return type(obj)(number=obj.number)


    def same(obj):
        return obj
"""


def lint(project, body):
    project.write("shop/models.py", MODELS)
    project.write("shop/copies.py", HELPERS)
    project.write("shop/services.py", "from .copies import copy_of, same, typed_copy\n"
                                      "from .models import Line, Order\n" + body)
    return [code for _, code in project.lint("shop/services.py")]


@pytest.mark.parametrize("body, expected", [
    # a new instance of a row's class, saved: a new row, as `Order(...)` is
    ("def f(pk):\n    o = Order.objects.get(pk=pk)\n    c = o.__class__(number='x')\n    c.save()\n"
     "    Line.objects.create(order=c, position=1)\n", []),
    ("def f(pk):\n    o = Order.objects.get(pk=pk)\n    c = type(o)(number='x')\n    c.save()\n"
     "    Line.objects.create(order=c, position=1)\n", []),
    # ... also built by a project helper whose every return is one (in another module)
    ("def f(pk):\n    o = Order.objects.get(pk=pk)\n    c = copy_of(o)\n    c.save()\n"
     "    Line.objects.create(order=c, position=1)\n", []),
    ("def f(pk):\n    o = Order.objects.get(pk=pk)\n    c = typed_copy(obj=o)\n    c.save()\n"
     "    Line.objects.create(order=c, position=1)\n", []),
    # a helper handing back its argument, or the loaded row itself: an old row
    ("def f(pk):\n    o = Order.objects.get(pk=pk)\n    c = same(o)\n    Line.objects.create(order=c, position=1)\n",
     ["UNQ001"]),
    ("def f(pk):\n    o = Order.objects.get(pk=pk)\n    c = o\n    Line.objects.create(order=c, position=1)\n",
     ["UNQ001"]),
])
def test_copies_are_new_rows(project, body, expected):
    assert lint(project, body) == expected


LOOP = "def f(src, n):\n    new = Order.objects.create(number=n)\n    for line in {rows}:\n" \
       "        Line.objects.create(order=new, position=line.{attr}, note=line.note)\n"


@pytest.mark.parametrize("rows, attr, expected", [
    # the source rows share `order`, so each one's position is its own: one line per position
    ("Line.objects.filter(order=src)", "position", []),
    ("Line.objects.filter(order_id=src.pk).order_by('position')", "position", []),
    ("Line.objects.select_related('order').filter(order__pk=src.pk, note__startswith='a')", "position", []),
    ("src.lines.all()", "position", []),
    # not pinned to one order, pinned to NULL, filtered through a many-valued relation or a Q: may repeat
    ("Line.objects.filter(note='a')", "position", ["UNQ001"]),
    ("Line.objects.filter(order=None)", "position", ["UNQ001"]),
    ("Line.objects.filter(order=src, order__tags__name='a')", "position", ["UNQ001"]),
    ("Line.objects.filter(order__in=src)", "position", ["UNQ001"]),
    ("Line.objects.filter(order=src).union(Line.objects.filter(order=src))", "position", ["UNQ001"]),
    # an attribute the rows are not unique on
    ("Line.objects.filter(order=src)", "note", ["UNQ001"]),
])
def test_values_of_rows_unique_on_them(project, rows, attr, expected):
    assert lint(project, LOOP.format(rows=rows, attr=attr)) == expected
