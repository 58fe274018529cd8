"""Which models are unique, and on which fields: Django's declaration and inheritance rules."""
from uniqueguard.index.project import Project as Index


def unique_sets(project, dotted):
    index = Index(str(project.root))
    info = index.model(dotted)
    assert info is not None, f"{dotted} should be a model"
    return sorted((s.fields, s.table) for s in info.unique_sets)


def test_field_level_sources(project):
    project.write("shop/models.py", """
        from django.db import models

        class Product(models.Model):
            sku = models.CharField(max_length=10, unique=True)
            code = models.CharField(max_length=10, primary_key=True)
            name = models.CharField(max_length=10, db_index=True)
            when = models.DateField(unique_for_date="name")

        class Detail(models.Model):
            product = models.OneToOneField(Product, on_delete=models.CASCADE)
            owner = models.ForeignKey("auth.User", unique=True, on_delete=models.CASCADE)
            tags = models.ManyToManyField("Tag")
            id = models.BigAutoField(primary_key=True)
    """)
    assert unique_sets(project, "shop.models.Product") == [(("code",), "Product"), (("sku",), "Product")]
    assert unique_sets(project, "shop.models.Detail") == [(("owner",), "Detail"), (("product",), "Detail")]


def test_meta_sources(project):
    project.write("shop/models.py", """
        from django.db import models
        from django.db.models import Q, UniqueConstraint
        from django.db.models.functions import Lower

        class Membership(models.Model):
            group = models.ForeignKey("Group", on_delete=models.CASCADE)
            user = models.ForeignKey("auth.User", on_delete=models.CASCADE)
            role = models.CharField(max_length=10)
            email = models.EmailField()

            class Meta:
                unique_together = ("group", "user")
                constraints = [
                    UniqueConstraint(fields=["group", "role"], condition=Q(role="owner"), name="one_owner"),
                    models.UniqueConstraint(Lower("email"), name="email_ci"),
                    models.CheckConstraint(check=Q(role__in=["a"]), name="role_ok"),
                ]
    """)
    assert unique_sets(project, "shop.models.Membership") == [
        (("email",), "Membership"), (("group", "role"), "Membership"), (("group", "user"), "Membership")]


def test_abstract_meta_inheritance_follows_django(project):
    project.write("shop/models.py", """
        from django.db import models

        class Base(models.Model):
            slug = models.SlugField(unique=True)
            a = models.IntegerField()
            b = models.IntegerField()

            class Meta:
                abstract = True
                unique_together = [("a", "b")]

        class KeepsAll(Base):
            pass

        class ExtendsMeta(Base):
            class Meta(Base.Meta):
                ordering = ["a"]

        class PlainMeta(Base):
            class Meta:
                ordering = ["a"]

        class DropsSlug(Base):
            slug = None
    """)
    both = [(("a", "b"), "KeepsAll"), (("slug",), "KeepsAll")]
    assert unique_sets(project, "shop.models.KeepsAll") == both
    assert unique_sets(project, "shop.models.ExtendsMeta") == [(s, "ExtendsMeta") for s, _ in both]
    assert unique_sets(project, "shop.models.PlainMeta") == [(("slug",), "PlainMeta")]
    assert unique_sets(project, "shop.models.DropsSlug") == [(("a", "b"), "DropsSlug")]
    assert Index(str(project.root)).model("shop.models.Base").abstract


def test_multi_table_and_proxy(project):
    project.write("shop/models.py", """
        from django.db import models

        class Place(models.Model):
            address = models.CharField(max_length=80, unique=True)

        class Restaurant(Place):
            licence = models.CharField(max_length=10, unique=True)

        class CheapPlace(Place):
            class Meta:
                proxy = True
                constraints = [models.UniqueConstraint(fields=["id"], name="never_created")]
    """)
    assert unique_sets(project, "shop.models.Restaurant") == [(("address",), "Place"), (("licence",), "Restaurant")]
    assert unique_sets(project, "shop.models.CheapPlace") == [(("address",), "Place")]


def test_users_and_contrib(project):
    project.write("accounts/models.py", """
        from django.contrib.auth.models import AbstractUser, AbstractBaseUser
        from django.db import models

        class User(AbstractUser):
            email = models.EmailField(unique=True)

        class Member(AbstractBaseUser):
            handle = models.CharField(max_length=20)
            USERNAME_FIELD = "handle"

        class NoUsername(AbstractUser):
            username = None
            email = models.EmailField(unique=True)
            USERNAME_FIELD = "email"
    """)
    assert unique_sets(project, "accounts.models.User") == [(("email",), "User"), (("username",), "User")]
    assert unique_sets(project, "accounts.models.Member") == [(("handle",), "Member")]
    assert unique_sets(project, "accounts.models.NoUsername") == [(("email",), "NoUsername")]
    # The stock user: username unique, email NOT unique.
    assert unique_sets(project, "django.contrib.auth.models.User") == [(("username",), "User")]
    assert unique_sets(project, "django.contrib.sites.models.Site") == [(("domain",), "Site")]


def test_models_package_reexports_and_relative_bases(project):
    project.write("shop/models/__init__.py", "from .catalog import *\nfrom .orders import Order as Order\n")
    project.write("shop/models/base.py", """
        from django.db import models

        class Stamped(models.Model):
            ref = models.CharField(max_length=10, unique=True)

            class Meta:
                abstract = True
    """)
    project.write("shop/models/catalog.py", """
        from .base import Stamped

        class Item(Stamped):
            pass
    """)
    project.write("shop/models/orders.py", """
        from django.db import models as m

        class Order(m.Model):
            number = m.IntegerField(unique=True)
    """)
    assert unique_sets(project, "shop.models.Item") == [(("ref",), "Item")]
    assert unique_sets(project, "shop.models.Order") == [(("number",), "Order")]


def test_not_a_model(project):
    project.write("shop/models.py", """
        class Helper:
            slug = "x"

        class Mixin(object):
            pass
    """)
    assert Index(str(project.root)).model("shop.models.Helper") is None


def test_with_metaclass_bases(project):
    project.write("shop/models.py", """
        from django.db import models
        from six import with_metaclass

        class Meta_(models.base.ModelBase):
            pass

        class Base(models.Model):
            code = models.CharField(max_length=5, unique=True)

            class Meta:
                abstract = True

        class Coupon(with_metaclass(Meta_, Base)):
            pass
    """)
    assert unique_sets(project, "shop.models.Coupon") == [(("code",), "Coupon")]
