"""Reverse related managers named as Django names them (`registry.reverse_accessor`), resolved through an
instance nothing describes only when one model, through relations in the same unique sets, owns the name."""

MODELS = """
    from django.db import models

    class Team(models.Model):
        name = models.CharField(max_length=50)
        rivals = models.ManyToManyField("self", symmetrical=False)
        friends = models.ManyToManyField("self")

    class Base(models.Model):
        team = models.ForeignKey(Team, related_name="%(app_label)s_%(model_name)s_rows",
                                 on_delete=models.CASCADE)
        key = models.CharField(max_length=10)

        class Meta:
            abstract = True

    class Seat(Base):
        class Meta:
            unique_together = [("team", "key")]

    class Pass(models.Model):
        team = models.ForeignKey(Team, on_delete=models.CASCADE)
        venue = models.ForeignKey("Venue", on_delete=models.CASCADE)
        code = models.CharField(max_length=10)

        class Meta:
            unique_together = [("team", "code")]

    class Venue(models.Model):
        city = models.CharField(max_length=20)
"""

APPS = """
    from django.apps import AppConfig

    class LeagueConfig(AppConfig):
        name = "shop"
        label = "league"
"""


def test_placeholders_take_the_app_config_label_and_the_concrete_model(project):
    project.write("site_conf/settings.py", 'INSTALLED_APPS = ["shop.apps.LeagueConfig"]\n')
    project.write("shop/apps.py", APPS)
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", """
        def seat(team, key):
            team.league_seat_rows.create(key=key)

        def by_base_name(team, key):
            team.league_base_rows.create(key=key)

        def by_package_name(team, key):
            team.shop_seat_rows.create(key=key)
    """)
    assert project.lint("shop/views.py") == [(3, "UNQ001")]


def test_symmetrical_self_relation_has_no_reverse_manager(project):
    """`rivals` (symmetrical=False) gives `team.team_set`; `friends` (symmetrical) gives none, so only one
    relation owns the name and the create through an unknown instance is the target's."""
    project.write("shop/models.py", MODELS.replace("name = models.CharField(max_length=50)",
                                                   "name = models.CharField(max_length=50, unique=True)"))
    project.write("shop/views.py", """
        def rival(lookup, name):
            lookup().team_set.create(name=name)
    """)
    assert project.lint("shop/views.py") == [(3, "UNQ001")]


def test_relations_in_different_unique_sets_leave_the_owner_unknown(project):
    """`team.pass_set` and `venue.pass_set`: only `team` is in (team, code), so through an instance
    nothing describes the write is not judged (strict mode lists it); through a known one it is."""
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", """
        from shop.models import Team

        def unknown(lookup, code):
            lookup().pass_set.create(code=code)

        def known(pk, code):
            Team.objects.get(pk=pk).pass_set.create(code=code)
    """)
    assert project.lint("shop/views.py") == [(8, "UNQ001")]
    assert project.lint("shop/views.py", strict=True) == [(5, "UNQ005"), (8, "UNQ001")]
