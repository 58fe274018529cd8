"""Hints that are right, or absent (issue 13 item 7): each decision beside the twin that keeps the hint."""
import pytest

MODELS = """
    from django.conf import settings
    from django.db import models


    class Place(models.Model):
        name = models.CharField(max_length=40, unique=True)


    class Restaurant(Place):
        stars = models.IntegerField(default=0)


    class Page(models.Model):
        slug = models.SlugField(unique=True)
        title = models.CharField(max_length=40)


    class Member(models.Model):
        user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        email = models.EmailField(unique=True)
        handle = models.CharField(max_length=40, unique=True)


    class Entry(models.Model):
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        day = models.DateField()

        class Meta:
            unique_together = [("owner", "day")]


    class Author(models.Model):
        username = models.CharField(max_length=40, unique=True)
        email = models.EmailField()


    class Synonym(models.Model):
        source = models.CharField(max_length=40, unique=True)
        target = models.CharField(max_length=40)
        owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
"""
SERIALIZERS = """
    from rest_framework import serializers

    from .models import Entry, Page


    class EntrySerializer(serializers.ModelSerializer):
        class Meta:
            model = Entry
            fields = ["day"]
            validators = []


    class EntryOwnerSerializer(serializers.ModelSerializer):
        class Meta:
            model = Entry
            fields = ["owner", "day"]
            read_only_fields = ["owner"]


    class EntryPairSerializer(serializers.ModelSerializer):
        class Meta:
            model = Entry
            fields = ["owner", "day"]
            validators = []
"""


def message(project, body):
    project.write("shop/models.py", MODELS)
    project.write("shop/serializers.py", SERIALIZERS)
    project.write("shop/views.py", "from django.db import transaction\nfrom .models import *\n"
                  "from .serializers import *\n" + body)
    found = project.findings("shop/views.py")
    assert len(found) == 1, found
    return found[0].message


@pytest.mark.parametrize("body, hint, absent", [
    # reusing the row: a plain model, but not a multi-table child whose set lives on the parent
    ("def f(n):\n    Place.objects.create(name=n)\n", "use Place.objects.get_or_create(name=...)", None),
    ("def f(n):\n    Restaurant.objects.create(name=n)\n", "wrap in try/except", "get_or_create"),
    # ... nor a value copied from another row, which holds it already
    ("def f(src):\n    Page.objects.create(slug=src.slug, title='copy')\n", "wrap in try/except", "get_or_create"),
    ("def f(s):\n    Page.objects.create(slug=s, title='new')\n", "use Page.objects.get_or_create(slug=...)", None),
    # ... nor a field only `**kwargs` may set
    ("def f(**kw):\n    Page.objects.create(title='x', **kw)\n", "wrap in try/except", "get_or_create"),
    # ... nor a value counted to name a new row: the lookup would hand back the row numbered the same
    ("def f():\n    n = Page.objects.count() + 1\n    Page.objects.create(slug=f'page-{n}', title='x')\n",
     "wrap in try/except", "get_or_create"),
    ("def f(s):\n    n = s.count('-')\n    Page.objects.create(slug=s[n:], title='x')\n",
     "use Page.objects.get_or_create(slug=...)", None),
    # ignore_conflicts=True leaves the objects without primary keys: not when they are used after
    ("def f(s):\n    return Page.objects.bulk_create([Page(slug=s)])[0]\n", "wrap in try/except",
     "ignore_conflicts"),
    ("def f(s):\n    Page.objects.bulk_create([Page(slug=s)])\n", "pass ignore_conflicts=True or", None),
    # moving a field into a lookup that already pins a unique set changes which row is found
    ("def f(e, h):\n    Member.objects.get_or_create(email=e, defaults={'handle': h})\n",
     "wrap in try/except", "move handle"),
    ("def f(u, h):\n    Entry.objects.get_or_create(day=u, defaults={'owner': h})\n",
     "move owner from defaults into the lookup", None),
    # ... and so does moving it in beside a lookup of another field: `email=e, username=e` finds no row
    # whose username is e but whose email differs, and the insert collides all the same
    ("def f(e):\n    Author.objects.get_or_create(email=e, defaults={'username': e, 'email': e})\n",
     "a row with this username but another email is not found by the lookup; wrap in try/except", "move"),
    # a lookup that pins the key and more: looking up by the key alone would return the row with its old
    # values (an old target, another owner), so the fix is to catch the collision
    ("def f(s, t, u):\n    Synonym.objects.get_or_create(source=s, target=t, owner=u)\n",
     "a row with this source but another target or owner is not found by the lookup; wrap in try/except",
     "defaults"),
    # inside a transaction, the try needs its own savepoint or following the hint makes UNQ003
    ("@transaction.atomic\ndef f(s):\n    Page.objects.create(slug=s, title='x')\n",
     "with `with transaction.atomic():` inside the try (it runs inside @transaction.atomic", None),
    ("def f(s):\n    Page.objects.create(slug=s, title='x')\n", "or try/except", "inside the try"),
    # serializers: no UniqueValidator for a field the view sets or one column of a composite set
    ("def f(request):\n    s = EntrySerializer(data=request.data)\n    s.is_valid(raise_exception=True)\n"
     "    s.save(owner=request.user)\n", "check (owner, day) with a query in EntrySerializer.validate()",
     "UniqueValidator"),
    ("def f(request):\n    s = EntryPairSerializer(data=request.data)\n    s.is_valid(raise_exception=True)\n"
     "    s.save()\n", "add a UniqueTogetherValidator for (owner, day) to EntryPairSerializer.Meta.validators",
     "add a UniqueValidator"),
    ("def f(request):\n    s = EntryOwnerSerializer(data=request.data)\n    s.is_valid(raise_exception=True)\n"
     "    s.save(owner=request.user)\n", "check (owner, day) with a query in EntryOwnerSerializer.validate()",
     "UniqueTogetherValidator"),
])
def test_hint_decisions(project, body, hint, absent):
    text = message(project, body)
    assert hint in text
    if absent:
        assert absent not in text
