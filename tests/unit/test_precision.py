"""Look-alikes that must stay clean, each beside the twin that must be flagged (found on real code)."""
import textwrap

import pytest

MODELS = """
    from django.conf import settings
    from django.db import models
    from django.db.models import Q, UniqueConstraint


    class EmailAddress(models.Model):
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        email = models.EmailField()
        primary = models.BooleanField(default=False)

        class Meta:
            unique_together = [("user", "email")]
            constraints = [UniqueConstraint(fields=["user", "primary"], condition=Q(primary=True), name="one")]


    class Authenticator(models.Model):
        class Type(models.TextChoices):
            TOTP = "totp", "TOTP"
            WEBAUTHN = "webauthn", "WebAuthn"

        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
        type = models.CharField(max_length=20, choices=Type.choices)

        class Meta:
            constraints = [UniqueConstraint(fields=["user", "type"], condition=Q(type__in=("totp", "recovery")),
                                            name="two")]


    class State(models.Model):
        STATUS_OPEN = "open"
        STATUS_DONE = "done"
        object_id = models.CharField(max_length=20)
        status = models.CharField(max_length=10)
        current = models.OneToOneField("Task", null=True, on_delete=models.SET_NULL)
        slug = models.SlugField(unique=True, null=True)

        class Meta:
            constraints = [UniqueConstraint(fields=["object_id"], condition=Q(status__in=["open"]), name="three")]


    class Task(models.Model):
        name = models.CharField(max_length=10, unique=True)
"""


@pytest.fixture
def app(project):
    project.write("shop/models.py", MODELS)
    return project


def lint(app, body):
    app.write("shop/services.py", "from .models import EmailAddress, Authenticator, State, Task\n" + body)
    return [code for _, code in app.lint("shop/services.py")]


@pytest.mark.parametrize("body, expected", [
    # conditional constraints: a field left out on insert takes its default, which the condition excludes
    ("def f(u, e):\n    EmailAddress.objects.create(user=u, email=e)\n", ["UNQ001"]),  # (user, email) only
    ("def f(u):\n    EmailAddress.objects.create(user=u, primary=False)\n", ["UNQ001"]),  # (user, email) only
    ("def f(u):\n    EmailAddress.objects.create(user=u, primary=True)\n", ["UNQ001"]),
    ("def f(u, e):\n    EmailAddress.objects.get_or_create(user=u, email=e, defaults={'primary': False})\n", []),
    ("def f(u, e):\n    EmailAddress.objects.get_or_create(user=u, email=e, defaults={'primary': True})\n", ["UNQ001"]),
    ("def f(u):\n    Authenticator(user=u, type=Authenticator.Type.WEBAUTHN).save()\n", []),
    ("def f(u):\n    Authenticator(user=u, type=Authenticator.Type.TOTP).save()\n", ["UNQ001"]),
    ("def f(u, t):\n    Authenticator(user=u, type=t).save()\n", ["UNQ001"]),  # unknown value: at risk
    ("def f(o):\n    State.objects.create(object_id=o, status=State.STATUS_DONE)\n", []),
    ("def f(o):\n    State.objects.create(object_id=o, status=State.STATUS_OPEN)\n", ["UNQ001"]),
    ("def f(o):\n    s = 'open'\n    State.objects.create(object_id=o, status=s)\n", ["UNQ001"]),
    # an updated row holds every field: the conditional set is at risk when the condition can hold
    ("def f(pk):\n    a = EmailAddress.objects.get(pk=pk)\n    a.primary = True\n    a.save()\n", ["UNQ001"]),
    ("def f(pk):\n    a = EmailAddress.objects.get(pk=pk)\n    a.primary = False\n    a.save()\n", []),
    # NULL never collides; re-pointing a relation on a loaded row links a fresh row
    ("def f(pk):\n    s = State.objects.get(pk=pk)\n    s.slug = None\n    s.save()\n", []),
    ("def f(pk, v):\n    s = State.objects.get(pk=pk)\n    s.slug = v\n    s.save()\n", ["UNQ001"]),
    ("def f(pk, t):\n    s = State.objects.get(pk=pk)\n    s.current = t\n    s.save()\n", []),
    ("def f(t):\n    State(current=t).save()\n", ["UNQ001"]),  # a new row with a one-to-one: at risk
    # bulk_create(**options): silent when the options may ignore conflicts
    ("def f(rows, db):\n    kw = {}\n    if db.ok:\n        kw['ignore_conflicts'] = True\n    Task.objects.bulk_create(rows, **kw)\n", []),
    ("def f(rows, kw):\n    Task.objects.bulk_create(rows, **kw)\n", []),
    ("def f(rows):\n    kw = {'batch_size': 10}\n    Task.objects.bulk_create(rows, **kw)\n", ["UNQ001"]),
])
def test_precision(app, body, expected):
    assert lint(app, body) == expected


NEW_ROW_MODELS = """
    from django.db import models


    class Order(models.Model):
        number = models.CharField(max_length=20)


    class Line(models.Model):
        order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
        position = models.IntegerField()

        class Meta:
            unique_together = [("order", "position")]


    class Receipt(models.Model):
        order = models.OneToOneField(Order, on_delete=models.CASCADE)
"""


@pytest.mark.parametrize("body, expected", [
    # the set holds a reference to a row this function has just inserted: nothing can collide with it
    ("def f(n):\n    o = Order.objects.create(number=n)\n    Line.objects.create(order=o, position=1)\n", []),
    ("def f(n):\n    o = Order.objects.create(number=n)\n    o.lines.create(position=1)\n", []),
    ("def f(n):\n    o = Order(number=n)\n    o.save()\n    Line(order_id=o.pk, position=1).save()\n", []),
    ("async def f(n):\n    o = await Order.objects.acreate(number=n)\n    await o.lines.acreate(position=1)\n", []),
    # ... but a loaded row, one bound either way, or a parameter may already have lines
    ("def f(pk):\n    o = Order.objects.get(pk=pk)\n    Line.objects.create(order=o, position=1)\n", ["UNQ001"]),
    ("def f(pk, n):\n    o = Order.objects.filter(pk=pk).first()\n    if o is None:\n"
     "        o = Order.objects.create(number=n)\n    o.lines.create(position=1)\n", ["UNQ001"]),
    ("def f(o):\n    o.lines.create(position=1)\n", ["UNQ001"]),
    # a lone one-to-one to a new row: nothing else creates a new order's receipt (see the receiver tests)
    ("def f(n):\n    o = Order.objects.create(number=n)\n    Receipt.objects.create(order=o)\n", []),
    ("def f(o):\n    Receipt.objects.create(order=o)\n", ["UNQ001"]),
])
def test_sets_pinned_to_a_row_inserted_just_before(project, body, expected):
    project.write("shop/models.py", NEW_ROW_MODELS)
    project.write("shop/services.py", "from .models import Line, Order, Receipt\n" + body)
    assert [code for _, code in project.lint("shop/services.py")] == expected


def test_conditional_set_left_out_of_the_message(app):
    app.write("shop/services.py", "from .models import EmailAddress\ndef f(u):\n    EmailAddress.objects.create(user=u, primary=False)\n")
    (finding,) = app.findings("shop/services.py")
    assert "unique EmailAddress(user, email); nothing" in finding.message


def test_existence_check_around_the_constructor_of_a_saved_instance(app):
    """The upsert shape: the check guards where the row is built, the save comes after both branches."""
    app.write("shop/services.py", """
from .models import Task

def upsert(name, extra):
    try:
        task = Task.objects.get(name=name)
    except Task.DoesNotExist:
        task = Task(name=name)
    task.save()

def plain(name):
    task = Task(name=name)
    task.save()
""")
    assert app.lint("shop/services.py") == [(9, "UNQ002"), (13, "UNQ001")]


@pytest.mark.parametrize("body, expected", [
    ("import uuid\ndef f():\n    Task.objects.create(name=uuid.uuid4())\n", []),
    ("import uuid\ndef f():\n    Task.objects.create(name=str(uuid.uuid4()))\n", []),
    ("from uuid import uuid4\ndef f():\n    Task.objects.create(name=uuid4().hex)\n", []),
    ("import secrets\ndef f():\n    token = secrets.token_urlsafe(32)\n    Task(name=token).save()\n", []),
    ("from django.utils.crypto import get_random_string\ndef f():\n    Task.objects.create(name=get_random_string(12))\n", []),
    ("from django.utils.crypto import get_random_string as grs\ndef f():\n    Task.objects.create(name=grs(9).lower())\n", []),
    ("import random\ndef f():\n    Task.objects.create(name=str(random.randint(1, 9)))\n", ["UNQ001"]),
    ("def f(n):\n    Task.objects.create(name=n.lower())\n", ["UNQ001"]),
    # a project's own token makers, named for what they return, through an adapter or a hookset
    ("def f(hooks, e):\n    Task.objects.create(name=hooks.generate_email_confirmation_token(e))\n", []),
    ("def f(adapter, e):\n    Task.objects.create(name=adapter().generate_emailconfirmation_key(e))\n", []),
    ("def f(e):\n    Task.objects.create(name=make_nonce())\n", []),
    # ... but not a deterministic key or name builder
    ("def f(e):\n    Task.objects.create(name=make_key(e))\n", ["UNQ001"]),
    ("def f(e):\n    Task.objects.create(name=generate_username(e))\n", ["UNQ001"]),
    ("def f(e):\n    Task.objects.create(name=cache_key_for(e))\n", ["UNQ001"]),
    ("def f(n):\n    t = Task(name=n)\n    t.full_clean()\n    t.save()\n", ["UNQ004"]),
    ("def f(n):\n    t = Task(name=n)\n    t.save()\n    t.full_clean()\n", ["UNQ001"]),
    ("def f(pk, n):\n    t = Task.objects.get(pk=pk)\n    t.name = n\n    t.validate_unique()\n    t.save()\n", ["UNQ004"]),
])
def test_random_tokens_and_instance_validation(app, body, expected):
    assert lint(app, body) == expected


PROFILE_MODELS = """
    from django.conf import settings
    from django.db import models


    class Profile(models.Model):
        user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)


    class Wallet(models.Model):
        owner = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="purse", on_delete=models.CASCADE)
"""


@pytest.mark.parametrize("body, expected", [
    ("@receiver(post_save, sender=settings.AUTH_USER_MODEL)\ndef f(sender, instance, created, **kw):\n"
     "    if not hasattr(instance, 'profile'):\n        Profile.objects.create(user=instance)\n", ["UNQ002"]),
    ("def f(user):\n    if not hasattr(user, 'profile'):\n        Profile.objects.create(user=user)\n", ["UNQ002"]),
    ("def f(request):\n    try:\n        request.user.purse\n    except Wallet.DoesNotExist:\n"
     "        Wallet.objects.create(owner=request.user)\n", ["UNQ002"]),
    ("def f(request):\n    if getattr(request.user, 'purse', None) is None:\n"
     "        Wallet.objects.create(owner=request.user)\n", ["UNQ001"]),
    ("def f(user):\n    if not hasattr(user, 'purse'):\n        Profile.objects.create(user=user)\n", ["UNQ001"]),
    ("def f(u):\n    if not hasattr(u, 'purse') or u.purse is None:\n        Wallet.objects.create(owner=u)\n", ["UNQ002"]),
    # taken when the accessor found nothing, among other reasons: the insert may follow that check
    ("def f(u, x):\n    if not hasattr(u, 'purse') or x:\n        Wallet.objects.create(owner=u)\n", ["UNQ002"]),
    ("def f(u, x):\n    if hasattr(u, 'purse') or x:\n        Wallet.objects.create(owner=u)\n", ["UNQ001"]),
    ("def f(user):\n    if not hasattr(user, 'profile'):\n        Profile.objects.get_or_create(user=user)\n", []),
    # the instance is a row inserted a moment ago only when `created` (issue 13 item 2)
    ("@receiver(post_save, sender=settings.AUTH_USER_MODEL)\ndef f(sender, instance, created, **kw):\n"
     "    if created:\n        Profile.objects.create(user=instance)\n", []),
    ("@receiver(post_save, sender=settings.AUTH_USER_MODEL)\ndef f(sender, instance, created, **kw):\n"
     "    Profile.objects.create(user=instance)\n", ["UNQ001"]),
])
def test_one_to_one_existence_checks(project, body, expected):
    project.write("shop/models.py", PROFILE_MODELS)
    project.write("shop/signals.py", "from django.conf import settings\nfrom django.db.models.signals import post_save\n"
                  "from django.dispatch import receiver\nfrom .models import Profile, Wallet\n" + body)
    assert [code for _, code in project.lint("shop/signals.py")] == expected


RECEIVERS = {  # written without imports of the models: each location adds what it needs
    "decorated": """
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        @receiver(post_save, sender=Order)
        def make_receipt(sender, instance, created, **kwargs):
            if created:
                Receipt.objects.get_or_create(order=instance)
    """,
    "connected": """
        from django.db.models import signals

        def make_receipt(sender, instance, created, **kwargs):
            Receipt(order_id=instance.pk).save()

        signals.post_save.connect(make_receipt, sender="shop.Order")
    """,
}
CREATE_FOR_NEW_ORDER = ("def f(n):\n    order = Order.objects.create(number=n)\n"
                        "    Receipt.objects.create(order=order)\n")


@pytest.mark.parametrize("style", sorted(RECEIVERS))
@pytest.mark.parametrize("module", ["shop/signals.py", "shop/models.py", "shop/services.py"])
def test_one_to_one_a_post_save_receiver_already_creates(project, style, module):
    """A receiver that makes the one-to-one row for every new Order makes a second insert a sure 500,
    wherever the receiver lives: a signals module, the models module or the linted module itself."""
    receiver = textwrap.dedent(RECEIVERS[style])
    imports = "from .models import Line, Order, Receipt\n"
    models = textwrap.dedent(NEW_ROW_MODELS)
    project.write("shop/models.py", models + receiver if module == "shop/models.py" else models)
    if module == "shop/signals.py":
        project.write(module, imports + receiver)
    project.write("shop/services.py", imports + (receiver if module == "shop/services.py" else "") + "\n"
                  + CREATE_FOR_NEW_ORDER)
    found = [f for f in project.findings("shop/services.py") if f.context == "f"]
    assert [f.code for f in found] == ["UNQ001"], found
    assert f"the post_save receiver make_receipt() ({module}:" in found[0].message
    assert "already creates a Receipt for every new Order; update order.receipt instead" in found[0].message


def test_a_receiver_for_another_sender_or_model_does_not_count(project):
    project.write("shop/models.py", NEW_ROW_MODELS + """
    class Invoice(models.Model):
        number = models.CharField(max_length=9)
""")
    project.write("shop/signals.py", """
        from django.db.models.signals import post_save, pre_save
        from django.dispatch import receiver
        from .models import Invoice, Order, Receipt

        @receiver(post_save, sender=Invoice)
        def other_sender(sender, instance, **kwargs):
            Receipt.objects.create(order=instance.order)

        @receiver(pre_save, sender=Order)
        def other_signal(sender, instance, **kwargs):
            Receipt.objects.create(order=instance)

        @receiver(post_save, sender=Order)
        def other_model(sender, instance, **kwargs):
            Line.objects.create(order=instance, position=0)
    """)
    project.write("shop/services.py", "from .models import Order, Receipt\n"
                  "def f(n):\n    order = Order.objects.create(number=n)\n    Receipt.objects.create(order=order)\n")
    assert project.lint("shop/services.py") == []


@pytest.mark.parametrize("connecting_module, connect", [
    # an AppConfig connecting a plain function of the signals module, the older documented pattern
    ("shop/apps.py", """
        from django.apps import AppConfig
        from django.db.models.signals import post_save

        class ShopConfig(AppConfig):
            name = "shop"

            def ready(self):
                from . import signals
                from .models import Order
                post_save.connect(signals.make_receipt, sender=Order)
    """),
    ("shop/models.py", None),  # the models module connects it at its end
])
def test_a_receiver_connected_from_another_module(project, connecting_module, connect):
    models = textwrap.dedent(NEW_ROW_MODELS)
    if connect is None:
        models += ("\nfrom django.db.models.signals import post_save\nfrom shop.signals import make_receipt\n"
                   "post_save.connect(make_receipt, sender=Order)\n")
    project.write("shop/models.py", models)
    if connect is not None:
        project.write(connecting_module, connect)
    project.write("shop/signals.py", """
        def make_receipt(sender, instance, created, **kwargs):
            from .models import Receipt
            if created:
                Receipt.objects.create(order=instance)
    """)
    project.write("shop/services.py", "from .models import Order, Receipt\n" + CREATE_FOR_NEW_ORDER)
    (finding,) = project.findings("shop/services.py")
    assert "the post_save receiver make_receipt() (shop/signals.py:2) already creates a Receipt" in finding.message


def test_an_unconnected_function_taking_an_instance_is_not_a_receiver(project):
    project.write("shop/models.py", NEW_ROW_MODELS)
    project.write("shop/signals.py", """
        from .models import Receipt

        def make_receipt(sender, instance, created, **kwargs):
            Receipt.objects.create(order=instance)
    """)
    project.write("shop/services.py", "from .models import Order, Receipt\n" + CREATE_FOR_NEW_ORDER)
    assert [f.code for f in project.findings("shop/services.py") if f.context == "f"] == []


USER_WITH_PROFILE = """
    from django.contrib.auth.models import AbstractUser, BaseUserManager
    from django.db import models


    class UserManager(BaseUserManager):
        def create_user(self, email, password=None):
            user = self.model(email=self.normalize_email(email))
            user.set_password(password)
            user.save(using=self._db)
            {manager_extra}
            return user


    class User(AbstractUser):
        email = models.EmailField(unique=True)
        objects = UserManager()

        def save(self, *args, **kwargs):
            adding = self._state.adding
            super().save(*args, **kwargs)
            {save_extra}


    class Profile(models.Model):
        user = models.OneToOneField(User, on_delete=models.CASCADE)
"""


@pytest.mark.parametrize("manager_extra, save_extra, creator", [
    ("Profile.objects.create(user=user)", "pass", "UserManager.create_user() (accounts/models.py:7)"),
    ("pass", "if adding:\n                Profile(user=self).save()", "User.save() (accounts/models.py:19)"),
    ("pass", "pass", None),  # the project's create_user and save() make no profile: nothing collides
])
def test_one_to_one_the_parents_own_code_already_creates(project, manager_extra, save_extra, creator):
    project.write("accounts/models.py", USER_WITH_PROFILE.format(manager_extra=manager_extra, save_extra=save_extra))
    project.write("site_conf/settings.py", 'AUTH_USER_MODEL = "accounts.User"\nINSTALLED_APPS = ["accounts"]\n')
    project.write("accounts/views.py", """
        from django.db import IntegrityError
        from .models import Profile, User

        def signup(email):
            try:
                user = User.objects.create_user(email)
            except IntegrityError:
                return None
            Profile.objects.create(user=user)
    """)
    found = project.findings("accounts/views.py")
    if creator is None:
        assert found == []
    else:
        (finding,) = found
        assert f"{creator} already creates a Profile for every new User; update user.profile" in finding.message
