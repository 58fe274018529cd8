"""`pass ignore_conflicts=True` is offered for a bulk_create only when nothing after it needs the objects'
primary keys: Django sets none when conflicts are ignored (issue 13 item 7, "Hints that are right")."""
import pytest

MODELS = """
    from django.db import models


    class Tag(models.Model):
        name = models.CharField(max_length=20, unique=True)


    class Label(models.Model):
        tag = models.ForeignKey(Tag, on_delete=models.CASCADE)
"""

IGNORE = "pass ignore_conflicts=True or wrap in try/except"


def messages(project, body):
    project.write("tags/models.py", MODELS)
    project.write("tags/services.py", "from .models import Label, Tag\n\n\n" + body)
    return [f.message for f in project.findings("tags/services.py") if f.code in ("UNQ001", "UNQ002")]


@pytest.mark.parametrize("body, offered", [
    # nothing reads the objects again: skipping the conflicting rows is a fix
    ("def f(names):\n    Tag.objects.bulk_create([Tag(name=n) for n in names])\n", True),
    ("def f(names):\n    tags = [Tag(name=n) for n in names]\n    Tag.objects.bulk_create(tags)\n", True),
    ("async def f(names):\n    await Tag.objects.abulk_create([Tag(name=n) for n in names])\n", True),
    ("def f(names):\n    if not Tag.objects.filter(name__in=names).exists():\n"
     "        Tag.objects.bulk_create([Tag(name=n) for n in names])\n", True),
    ("def f(names):\n    tags = [Tag(name=n) for n in names]\n    Tag.objects.bulk_create(tags)\n"
     "    for tag in tags:\n        print('added %s' % tag.name)\n    return len(tags)\n", True),
    # the rows it returns, or the objects handed to it, are used: they would have no primary key
    ("def f(names):\n    tag = Tag.objects.bulk_create([Tag(name=names[0])])[0]\n"
     "    Label.objects.create(tag=tag)\n", False),
    ("def f(names):\n    for tag in Tag.objects.bulk_create([Tag(name=n) for n in names]):\n"
     "        Label.objects.create(tag=tag)\n", False),
    ("def f(names):\n    tags = [Tag(name=n) for n in names]\n    Tag.objects.bulk_create(tags)\n"
     "    Label.objects.bulk_create([Label(tag=t) for t in tags])\n", False),
    ("def f(names):\n    tags = [Tag(name=n) for n in names]\n    Tag.objects.bulk_create(tags)\n"
     "    for tag in tags:\n        print(tag.pk)\n", False),
    ("def f(names):\n    tags = [Tag(name=n) for n in names]\n    Tag.objects.bulk_create(tags)\n"
     "    for tag in tags:\n        tag.label_set.create()\n", False),
    ("async def f(names):\n    tags = await Tag.objects.abulk_create([Tag(name=n) for n in names])\n"
     "    return [t.pk for t in tags]\n", False),
    ("def f(names):\n    if not Tag.objects.filter(name__in=names).exists():\n"
     "        return Tag.objects.bulk_create([Tag(name=n) for n in names])\n", False),
])
def test_ignore_conflicts_only_when_pks_are_not_needed(project, body, offered):
    found = messages(project, body)
    assert len(found) == 1
    assert (IGNORE in found[0]) is offered
    assert "wrap in try/except" in found[0]
