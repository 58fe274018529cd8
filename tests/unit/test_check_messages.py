"""Check-then-create spellings (issue 13 item 6): each UNQ002 message names the check and its line; a
check of something other than the unique key is no check for it (UNQ001)."""
import pytest

MODELS = """
    from django.conf import settings
    from django.db import models


    class TagQuerySet(models.QuerySet):
        def used(self):
            return self.prefetch_related("owner")


    class TagManager(models.Manager.from_queryset(TagQuerySet)):
        def ensure(self, names):
            have = {tag.name: tag for tag in self.used()}
            for name in names:
                if name not in have:
                    self.create(name=name)


    class Tag(models.Model):
        name = models.CharField(max_length=40, unique=True)
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE)

        objects = TagManager()


    class Note(models.Model):
        title = models.CharField(max_length=40, unique=True)
"""
LOOKUPS = """
    from .models import Note, Tag


    def tag_is_free(name):
        if not name:
            return False
        return Tag.objects.filter(name=name).count() == 0


    def tag_is_taken(name):
        if not name:
            return True
        return Tag.objects.filter(name__iexact=name).count() > 0


    def owner_has_none(user):
        return Tag.objects.filter(owner=user).count() == 0


    def note_is_free(title):
        return Note.objects.filter(title=title).count() == 0


    def says_free(name):
        if name.startswith("x"):
            return True
        return Tag.objects.filter(name=name).count() == 0
"""


def findings(project, body, path="shop/views.py"):
    project.write("shop/models.py", MODELS)
    project.write("shop/lookups.py", LOOKUPS)
    imports = ("from .lookups import note_is_free, owner_has_none, says_free, tag_is_free, tag_is_taken\n"
               "from .models import Note, Tag\n")
    project.write("shop/views.py", imports + body)
    return project.findings(path)


@pytest.mark.parametrize("body, code, text", [
    # a helper whose every True answer is `count() == 0` on the unique field
    ("def f(n):\n    if tag_is_free(n):\n        Tag.objects.create(name=n)\n", "UNQ002",
     "the tag_is_free() check at line 4 races with concurrent inserts"),
    # ... or whose False answer is `count() > 0`, with the write after `not`
    ("def f(n):\n    if not tag_is_taken(n):\n        Tag.objects.create(name=n)\n", "UNQ002",
     "the tag_is_taken() check at line 4"),
    # look-alikes: a count of another field, of another model, a helper that says True without asking
    ("def f(n, u):\n    if owner_has_none(u):\n        Tag.objects.create(name=n, owner=u)\n", "UNQ001",
     "nothing catches IntegrityError"),
    ("def f(n):\n    if note_is_free(n):\n        Tag.objects.create(name=n)\n", "UNQ001", "nothing catches"),
    ("def f(n):\n    if says_free(n):\n        Tag.objects.create(name=n)\n", "UNQ001", "nothing catches"),
    # an exists() of another field of the same model is no check of the unique name
    ("def f(n, u):\n    if not Tag.objects.filter(owner=u).exists():\n        Tag.objects.create(name=n)\n",
     "UNQ001", "nothing catches"),
    ("def f(n, u):\n    if not Tag.objects.filter(owner=u, name=n).exists():\n        Tag.objects.create(name=n)\n",
     "UNQ002", "the exists() check at line 4"),
    # `Q(...) | Q(...)` lookups pin each field they name: one of them is the unique name
    ("from django.db.models import Q\ndef f(n, u):\n    found = Tag.objects.filter(Q(name=n) | Q(owner=u)).first()\n"
     "    if found is None:\n        Tag.objects.create(name=n, owner=u)\n", "UNQ002", "the first() check at line 5"),
    ("from django.db.models import Q\ndef f(n, u):\n    found = Tag.objects.filter(Q(owner=u) | Q(owner=None)).first()\n"
     "    if found is None:\n        Tag.objects.create(name=n, owner=u)\n", "UNQ001", "nothing catches"),
    # a flag the `except DoesNotExist` of a get() sets, bound only to the opposite constant elsewhere
    ("def f(n):\n    found = True\n    try:\n        Tag.objects.get(name=n)\n    except Tag.DoesNotExist:\n"
     "        found = False\n    if not found:\n        Tag.objects.create(name=n)\n", "UNQ002",
     "the get() check at line 6"),
    ("def f(n):\n    missing = False\n    try:\n        Tag.objects.get(name=n)\n    except Tag.DoesNotExist:\n"
     "        missing = True\n    if missing:\n        Tag.objects.create(name=n)\n", "UNQ002",
     "the get() check at line 6"),
    # ... also when the caller may set it too ("missing, or the caller asked": the insert may follow the
    # check), not when the handler sets it from something else, nor when the get() looks at another field
    ("def f(n, missing=False):\n    try:\n        Tag.objects.get(name=n)\n    except Tag.DoesNotExist:\n"
     "        missing = True\n    if missing:\n        Tag.objects.create(name=n)\n", "UNQ002",
     "the get() check at line 5"),
    ("def f(n, missing=False):\n    try:\n        Tag.objects.get(name=n)\n    except Tag.DoesNotExist:\n"
     "        missing = n.strip()\n    if missing:\n        Tag.objects.create(name=n)\n", "UNQ001", "nothing catches"),
    ("def f(n, u):\n    missing = False\n    try:\n        Tag.objects.get(owner=u)\n"
     "    except Tag.DoesNotExist:\n        missing = True\n    if missing:\n        Tag.objects.create(name=n)\n",
     "UNQ001", "nothing catches"),
    # a batch built under a check: the check guards every row; the fix skips what a concurrent run added
    ("def f(names):\n    have = [t.name for t in Tag.objects.filter(name__in=names)]\n    batch = []\n"
     "    for n in names:\n        if n not in have:\n            batch.append(Tag(name=n))\n"
     "    Tag.objects.bulk_create(batch)\n", "UNQ002",
     "the `in` check at line 7 races with concurrent inserts; pass ignore_conflicts=True"),
])
def test_check_spellings(project, body, code, text):
    found = findings(project, body)
    assert [f.code for f in found] == [code], found
    assert text in found[0].message


def test_queryset_method_of_a_from_queryset_manager(project):
    """`self.used()` in a `Manager.from_queryset(QS)` manager is QS's method, returning the manager's rows."""
    found = findings(project, "", path="shop/models.py")
    assert [(f.code, f.line) for f in found] == [("UNQ002", 16)], found
    assert "the `in` check at line 15" in found[0].message


BASE_COMMAND = """
    from .models import Tag


    class Importer:
        def safe_name(self, name):
            taken = Tag.objects.filter(name__istartswith=name).values_list("name", flat=True)
            if len(taken) == 0:
                return name
            return f"{name}{len(taken)}"

        def owner_name(self, user):
            return "x" if Tag.objects.filter(owner=user).exists() else "y"
"""


@pytest.mark.parametrize("body, code, text", [
    # a value a base class's method picks after reading the taken names: a check; its hint never reuses
    # the row holding the value (it was picked to be new)
    ("    def run(self, name):\n        name = self.safe_name(name)\n        Tag.objects.create(name=name)\n",
     "UNQ002", "the safe_name() check at line 7 races with concurrent inserts; wrap in try/except IntegrityError"),
    # ... but not a method that queries another field
    ("    def run(self, user):\n        name = self.owner_name(user)\n        Tag.objects.create(name=name)\n",
     "UNQ001", "nothing catches IntegrityError"),
])
def test_a_value_picked_after_a_query(project, body, code, text):
    project.write("shop/models.py", MODELS)
    project.write("shop/base.py", BASE_COMMAND)
    project.write("shop/command.py", "from .base import Importer\nfrom .models import Tag\n\n\n"
                  "class Command(Importer):\n" + body)
    found = project.findings("shop/command.py")
    assert [f.code for f in found] == [code], found
    assert text in found[0].message
