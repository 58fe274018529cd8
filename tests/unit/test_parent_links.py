"""A multi-table child written with its parent link given an existing row: Django UPDATEs the parent
row (Model._save_parents / _save_table), so the parent's unique sets are not inserted again; the message
names only the sets still at risk."""
import pytest

from uniqueguard.index.project import Project as Index

MODELS = """
    import uuid

    from django.db import models


    class Place(models.Model):
        name = models.CharField(max_length=50, unique=True)
        address = models.CharField(max_length=80)


    class Restaurant(Place):
        code = models.CharField(max_length=5, unique=True)


    class Bar(Place):
        spot = models.OneToOneField("shop.Place", parent_link=True, on_delete=models.CASCADE)


    class Pub(Bar):
        tap = models.CharField(max_length=5)


    class Corner(Restaurant):
        class Meta:
            proxy = True


    class Ticket(models.Model):
        id = models.UUIDField(primary_key=True, default=uuid.uuid4)
        number = models.CharField(max_length=10, unique=True)


    class VipTicket(Ticket):
        lounge = models.CharField(max_length=10)
"""


@pytest.fixture
def app(project):
    project.write("shop/models.py", MODELS)
    return project


def test_parent_links_follow_django_names(app):
    index = Index(str(app.root))
    assert index.model("shop.models.Restaurant").parent_links == (("place_ptr", "shop.models.Place"),)
    assert index.model("shop.models.Bar").parent_links == (("spot", "shop.models.Place"),)
    assert index.model("shop.models.Pub").parent_links == (("bar_ptr", "shop.models.Bar"),)
    assert index.model("shop.models.Corner").parent_links == (("place_ptr", "shop.models.Place"),)
    assert index.model("shop.models.Place").parent_links == ()
    restaurant = index.model("shop.models.Restaurant")
    assert restaurant.parent_link("place_ptr_id") == ("place_ptr", "shop.models.Place")
    assert restaurant.parent_link("place") is None


def messages(app, body):
    app.write("shop/services.py", "from .models import Place, Restaurant, Bar, Pub, Corner, VipTicket\n" + body)
    return [f.message for f in app.findings("shop/services.py")]


@pytest.mark.parametrize("body, named", [
    # the parent row is updated with its own name: only the child's own set is inserted
    ("def f(pk, c):\n    p = Place.objects.get(pk=pk)\n    Restaurant.objects.create(place_ptr=p, name=p.name, code=c)\n",
     ["Restaurant.code"]),
    ("def f(pk):\n    p = Place.objects.get(pk=pk)\n    Restaurant.objects.create(place_ptr=p, name=p.name)\n", []),
    # the name the lookup pinned is the name written
    ("def f(n):\n    p = Place.objects.get(name=n)\n    Restaurant.objects.create(place_ptr=p, name=n)\n", []),
    # a row loaded by its pk on one branch may hold another name
    ("def f(a, k, n):\n    if a:\n        p = Place.objects.get(pk=k)\n    else:\n        p = Place.objects.get(name=n)\n"
     "    Restaurant.objects.create(place_ptr=p, name=n)\n", ["Place.name"]),
    # another name: the UPDATE changes the unique value
    ("def f(pk, n):\n    p = Place.objects.get(pk=pk)\n    Restaurant.objects.create(place_ptr=p, name=n)\n",
     ["Place.name"]),
    # the explicit parent link is the child's own one-to-one: still inserted
    ("def f(pk):\n    p = Place.objects.get(pk=pk)\n    Bar.objects.create(spot=p, name=p.name)\n", ["Bar.spot"]),
    # a grandchild linked to an existing Bar: Bar's and Place's rows are both updated
    ("def f(pk):\n    b = Bar.objects.get(pk=pk)\n    Pub.objects.create(bar_ptr=b, name=b.name, tap='x')\n", []),
    # a proxy saves as its concrete model
    ("def f(pk):\n    p = Place.objects.get(pk=pk)\n    Corner.objects.create(place_ptr=p, name=p.name)\n", []),
    # a key that may name no row: the UPDATE matches nothing, the parent is INSERTed
    ("def f(pk, n):\n    Restaurant.objects.create(place_ptr_id=pk, name=n)\n", ["Place.name"]),
    ("def f(pk, n):\n    p = Place.objects.get(pk=pk)\n    Restaurant.objects.create(place_ptr_id=p.pk, name=p.name)\n", []),
    # a value that may be None, on a branch or from a loader: a new parent
    ("def f(pk, n):\n    p = None\n    if pk:\n        p = Place.objects.get(pk=pk)\n"
     "    Restaurant.objects.create(place_ptr=p, name=n)\n", ["Place.name"]),
    ("def f(n, p=None):\n    Restaurant.objects.create(place_ptr=p, name=n)\n", ["Place.name"]),
    # a parent pk with a default: Django INSERTs the parent of an instance being added
    ("def f(pk):\n    t = VipTicket.objects.get(pk=pk)\n    VipTicket.objects.create(ticket_ptr=t, number=t.number)\n",
     ["Ticket.number"]),
    # save(force_insert=(Place,)) inserts the parent too
    ("def f(pk, force):\n    p = Place.objects.get(pk=pk)\n    Restaurant(place_ptr=p, name=p.name).save(force_insert=force)\n",
     ["Place.name"]),
    ("def f(pk):\n    p = Place.objects.get(pk=pk)\n    Restaurant(place_ptr=p, name=p.name).save(force_insert=True)\n", []),
])
def test_parent_sets_named_only_when_at_risk(app, body, named):
    found = messages(app, body)
    assert len(found) == (1 if named else 0), found
    for message in found:
        listed = message.split("may violate unique ", 1)[1].split(";", 1)[0]
        assert sorted(part.strip() for part in listed.split(",")) == named, message


MANAGED = """
    from django.contrib.auth.models import Group
    from django.db import models


    class TeamManager(models.Manager):
        def create(self, name, **kwargs):
            try:
                kwargs["group_ptr"] = Group.objects.get(name=name)
            except (Group.DoesNotExist,):
                pass  # a new group is made with the team
            return super(TeamManager, self).create(name=name, **kwargs)


    class Team(Group):
        motto = models.CharField(max_length=50, unique=True)

        objects = TeamManager()


    class RenamingManager(models.Manager):
        def create(self, **kwargs):
            group = Group.objects.get(name=kwargs["name"])
            kwargs["group_ptr"] = group
            kwargs["name"] = kwargs["name"].upper()
            return super().create(**kwargs)


    class Crew(Group):
        objects = RenamingManager()
"""


@pytest.mark.parametrize("body, named", [
    # the lookup finds the loaded group: its name is not inserted again, the team's own motto is
    ("def f(pk, m):\n    g = Group.objects.get(pk=pk)\n    Team.objects.create(name=g.name, motto=m)\n", ["Team.motto"]),
    ("def f(pk):\n    g = Group.objects.get(pk=pk)\n    Team.objects.create(name=g.name)\n", []),
    # a name from elsewhere: the lookup may miss, and the insert then makes a new group
    ("def f(n):\n    Team.objects.create(name=n)\n", ["Group.name"]),
    # an unsaved group's name: no row the lookup would find
    ("def f(n):\n    g = Group(name=n)\n    Team.objects.create(name=g.name)\n", ["Group.name"]),
    # the override changes the name it looked the group up by
    ("def f(pk):\n    g = Group.objects.get(pk=pk)\n    Crew.objects.create(name=g.name)\n", ["Group.name"]),
])
def test_manager_override_passing_the_parent(app, body, named):
    app.write("shop/models.py", MANAGED)
    app.write("shop/services.py", "from django.contrib.auth.models import Group\nfrom .models import Team, Crew\n" + body)
    found = [f.message for f in app.findings("shop/services.py")]
    assert len(found) == (1 if named else 0), found
    for message in found:
        listed = message.split("may violate unique ", 1)[1].split(";", 1)[0]
        assert sorted(part.strip() for part in listed.split(",")) == named, message
