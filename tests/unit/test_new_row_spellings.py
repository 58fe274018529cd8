"""Rows a bulk_create returned, as new parents: which spellings hold one, and which may hold an old row or
the same row in two rounds (issue 13, "Rows that are new")."""
import pytest

MODELS = """
    from django.db import models


    class Unit(models.Model):
        id_hash = models.BigIntegerField()


    class Check(models.Model):
        unit = models.ForeignKey(Unit, on_delete=models.CASCADE)
        name = models.CharField(max_length=40)

        class Meta:
            unique_together = [("unit", "name")]
"""

HEAD = """from itertools import chain

from .models import Check, Unit


def f(hashes, old, names):
    units = Unit.objects.bulk_create([Unit(id_hash=h) for h in set(hashes)])
"""


def lint(project, body):
    project.write("text/models.py", MODELS)
    project.write("text/services.py", HEAD + body)
    return [code for _, code in project.lint("text/services.py")]


@pytest.mark.parametrize("body, expected", [
    # the rows themselves, each once
    ("    for unit in units:\n        Check.objects.create(unit=unit, name='a')\n", []),
    ("    Check.objects.bulk_create([Check(unit=u, name='a') for u in units])\n", []),
    ("    Check.objects.bulk_create([Check(unit=u, name='a') for u in units if u.id_hash])\n", []),
    ("    kept = [u for u in units if u.id_hash]\n    for unit in kept:\n"
     "        Check.objects.create(unit=unit, name='a')\n", []),
    ("    Unit.objects.bulk_update(units, ['id_hash'])\n    for unit in units:\n"
     "        Check.objects.create(unit=unit, name='a')\n", []),
    ("    more = Unit.objects.bulk_create([Unit(id_hash=-1)], ignore_conflicts=False)\n"
     "    for unit in chain(units, more):\n        Check.objects.create(unit=unit, name='a')\n", []),
    ("    Check.objects.create(unit=units[0], name='a')\n", []),
    ("    lookup = {u.id_hash: u for u in units}\n    Check.objects.create(unit=lookup[1], name='a')\n", []),
    # a comprehension's own variable, not the outer loop's
    ("    for unit in old:\n        print(unit)\n"
     "    Check.objects.bulk_create([Check(unit=unit, name='a') for unit in units])\n", []),
    # ... but inside a loop that does not insert them, every round writes the same units again
    ("    for row in old:\n        Check.objects.bulk_create([Check(unit=unit, name='a') for unit in units])\n",
     ["UNQ001"]),
    # an old row mixed in, or the rows twice
    ("    for unit in chain(units, Unit.objects.all()):\n        Check.objects.create(unit=unit, name='a')\n",
     ["UNQ001"]),
    ("    for unit in units + old:\n        Check.objects.create(unit=unit, name='a')\n", ["UNQ001"]),
    ("    for unit in units:\n        Check.objects.bulk_create([Check(unit=x, name='a') for x in old])\n",
     ["UNQ001"]),
    ("    units[0] = old\n    Check.objects.create(unit=units[0], name='a')\n", ["UNQ001"]),
    ("    lookup = {u.id_hash: u for u in units}\n    lookup[0] = old\n"
     "    Check.objects.create(unit=lookup[0], name='a')\n", ["UNQ001"]),
    ("    lookup = {u.id_hash: old for u in units}\n    Check.objects.create(unit=lookup[1], name='a')\n",
     ["UNQ001"]),
    ("    for name in names:\n        Check.objects.create(unit=units[0], name='a')\n", ["UNQ001"]),
    ("    for name in set(names):\n        Check.objects.create(unit=units[0], name=name)\n", []),
    # update_conflicts hands back existing rows, updated
    ("    got = Unit.objects.bulk_create([Unit(id_hash=1)], update_conflicts=True, unique_fields=['id_hash'],"
     " update_fields=['id_hash'])\n    Check.objects.create(unit=got[0], name='a')\n", ["UNQ001"]),
])
def test_rows_a_bulk_create_returned(project, body, expected):
    assert lint(project, body) == expected
