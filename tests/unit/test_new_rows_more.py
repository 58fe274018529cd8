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


LOOP = "def f(src, n):\n    new = Order.objects.create(number=n)\n    qs = Line.objects.filter(order=src)\n" \
       "    for line in {rows}:\n" \
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
    # through locals holding the queryset
    ("qs", "position", []),
    ("qs.union(Line.objects.filter(order=src))", "position", ["UNQ001"]),
    ("qs.values('position')", "position", ["UNQ001"]),
    # an attribute the rows are not unique on
    ("Line.objects.filter(order=src)", "note", ["UNQ001"]),
])
def test_values_of_rows_unique_on_them(project, rows, attr, expected):
    assert lint(project, LOOP.format(rows=rows, attr=attr)) == expected


BATCH_MODELS = """
    import uuid

    from django.db import models


    class Subnet(models.Model):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        cidr = models.CharField(max_length=43)


    class Host(models.Model):
        name = models.CharField(max_length=20, primary_key=True)


    class Index(models.Model):
        keyword = models.CharField(max_length=30)
        subnet = models.ForeignKey(Subnet, null=True, on_delete=models.CASCADE)
        host = models.ForeignKey(Host, null=True, on_delete=models.CASCADE)

        class Meta:
            unique_together = [("keyword", "subnet", "host")]
"""


def lint_batch(project, body):
    project.write("net/models.py", BATCH_MODELS)
    project.write("net/services.py", "from swapper import load_model\n\nfrom .models import Host, Index, Subnet\n\n"
                                     "Lease = load_model('ipam', 'Lease')\n\n\n" + body)
    return [code for _, code in project.lint("net/services.py")]


FILL = """def fill(label, host, rows, out):
    for row in rows:
        {build}
        out.append(Index(keyword=label, {field}={ref}, host=host))


def provision(label, host, rows):
    out = []
    fill(label, host, rows, out)
    Index.objects.bulk_create(out)
"""


@pytest.mark.parametrize("build, field, ref, expected", [
    # each object of the batch points at an object built in its own round: its pk is NULL, its own
    # default (a UUID), or a new row's
    ("subnet = Subnet(cidr=row)", "subnet_id", "subnet.id", []),
    ("lease = Lease(number=row)", "subnet_id", "lease.pk", []),  # a model nobody can read here
    # an object built with a chosen key, one built outside the loop, a loaded row: may repeat
    ("lease = Lease(id=row, number=row)", "subnet_id", "lease.id", ["UNQ001"]),
    ("subnet = Subnet.objects.get(cidr=row)", "subnet_id", "subnet.id", ["UNQ001"]),
    ("lease = Lease(number=row)\n        lease.pk = row", "subnet_id", "lease.pk", ["UNQ001"]),
    ("lease = Lease(row)", "subnet_id", "lease.pk", ["UNQ001"]),
    ("subnet = row", "subnet_id", "subnet.id", ["UNQ001"]),
    ("lease = Lease(number=row)", "subnet_id", "row.pk", ["UNQ001"]),
])
def test_batches_of_objects_built_per_round(project, build, field, ref, expected):
    assert lint_batch(project, FILL.format(build=build, field=field, ref=ref)) == expected


@pytest.mark.parametrize("body, expected", [
    # built once, read in every round
    ("def f(label, host, labels):\n    out = []\n    subnet = Subnet(cidr='a')\n    for label in labels:\n"
     "        out.append(Index(keyword=label, subnet_id=subnet.id, host=host))\n    Index.objects.bulk_create(out)\n",
     ["UNQ001"]),
    # a nested function's list parameter holds what its enclosing function passes (also from a lambda)
    ("def f(label, host, rows):\n    def _save(objs):\n        Index.objects.bulk_create(objs)\n\n    out = []\n"
     "    for row in rows:\n        lease = Lease(number=row)\n"
     "        out.append(Index(keyword=label, subnet_id=lease.id, host=host))\n    run(lambda: _save(out))\n", []),
    ("def f(label, host, rows):\n    def _save(objs):\n        Index.objects.bulk_create(objs)\n\n    out = []\n"
     "    for row in rows:\n        out.append(Index(keyword=label, subnet_id=row.id, host=host))\n"
     "    run(lambda: _save(out))\n", ["UNQ001"]),
    ("def f(label, host, rows):\n    def _save(objs):\n        objs.append(Index(keyword=label, host=host))\n"
     "        Index.objects.bulk_create(objs)\n\n    out = []\n"
     "    for row in rows:\n        lease = Lease(number=row)\n"
     "        out.append(Index(keyword=label, subnet_id=lease.id, host=host))\n    run(lambda: _save(out))\n",
     ["UNQ001"]),
    # ... unless it escapes, or the list is passed to a function that is not the project's
    ("def f(label, host, rows):\n    def _save(objs):\n        Index.objects.bulk_create(objs)\n\n    out = []\n"
     "    for row in rows:\n        lease = Lease(number=row)\n"
     "        out.append(Index(keyword=label, subnet_id=lease.id, host=host))\n    run(_save, out)\n", ["UNQ001"]),
    ("def f(label, host, rows):\n    out = []\n    for row in rows:\n        lease = Lease(number=row)\n"
     "        out.append(Index(keyword=label, subnet_id=lease.id, host=host))\n    extra(out)\n"
     "    Index.objects.bulk_create(out)\n", ["UNQ001"]),
])
def test_lists_followed_through_nested_functions(project, body, expected):
    assert lint_batch(project, body) == expected
