"""Receiver shapes (issue 4): every way real code reaches a unique model's manager or instance."""
import pytest

MODELS = """
    from django.conf import settings
    from django.contrib.auth.base_user import BaseUserManager
    from django.contrib.auth.models import AbstractUser
    from django.db import models


    class AccountManager(BaseUserManager):
        def create_user(self, email, password=None, **extra):
            user = self.model(email=self.normalize_email(email), **extra)
            user.set_password(password)
            user.save(using=self._db)
            return user

        def sync_from_remote(self, rows):
            for row in rows:
                self.create(email=row["email"])


    class User(AbstractUser):
        email = models.EmailField(unique=True)
        objects = AccountManager()

        @classmethod
        def make(cls, email):
            return cls.objects.create(email=email)

        def clone(self):
            return self.__class__.objects.create(email=self.email)

        def clone2(self):
            return type(self)._default_manager.create(email=self.email)


    class TagQuerySet(models.QuerySet):
        def ensure(self, name):
            return self.model._default_manager.create(name=name)

        def ensure2(self, name):
            return self.create(name=name)


    class Tag(models.Model):
        name = models.CharField(max_length=50, unique=True)
        objects = TagQuerySet.as_manager()


    class Author(models.Model):
        name = models.CharField(max_length=50)
        user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="authors")


    class Book(models.Model):
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        slug = models.SlugField()
        tags = models.ManyToManyField(Tag, related_name="books")

        class Meta:
            unique_together = [("author", "slug")]


    class Chapter(models.Model):
        book = models.ForeignKey("Book", on_delete=models.CASCADE, related_name="chapters")
        number = models.IntegerField()
        title = models.CharField(max_length=50)

        class Meta:
            constraints = [models.UniqueConstraint(fields=["book", "number"], name="one_number")]


    class Note(models.Model):
        author = models.ForeignKey(Author, on_delete=models.CASCADE)
        text = models.TextField()
"""


@pytest.fixture
def app(project):
    project.write("site_conf/settings.py", 'AUTH_USER_MODEL = "accounts.User"\nINSTALLED_APPS = ["accounts"]\n')
    project.write("accounts/models.py", MODELS)
    return project


def lint(app, source):
    app.write("accounts/services.py", source)
    return [code for _, code in app.lint("accounts/services.py")]


def test_models_module_self_receivers(app):
    found = app.lint("accounts/models.py")
    lines = (app.root / "accounts/models.py").read_text().splitlines()
    flagged = [lines[line - 1].strip() for line, _ in found]
    assert flagged == [
        'self.create(email=row["email"])',  # sync_from_remote: ordinary manager code
        "return cls.objects.create(email=email)",
        "return self.__class__.objects.create(email=self.email)",
        "return type(self)._default_manager.create(email=self.email)",
        "return self.model._default_manager.create(name=name)",
        "return self.create(name=name)",
    ]  # create_user's save() is not reported: it implements the write its callers make


@pytest.mark.parametrize("source, expected", [
    ("from .models import User\ndef f(e):\n    User.objects.create_user(e)\n", ["UNQ001"]),
    ("from .models import Author\ndef f(a: Author, s):\n    a.book_set.create(slug=s)\n", ["UNQ001"]),
    ("from .models import Author\ndef f(pk, t):\n    a = Author.objects.get(pk=pk)\n    a.note_set.create(text=t)\n", []),
    ("from .models import Book\ndef f(pk, n):\n    b = Book.objects.get(pk=pk)\n    b.chapters.create(number=n)\n", ["UNQ001"]),
    ("from .models import Book\ndef f(pk, n):\n    b = Book.objects.get(pk=pk)\n    b.chapters.create(title=n)\n", ["UNQ001"]),  # book set by the manager
    ("from .models import Book\ndef f(pk, n):\n    b = Book.objects.get(pk=pk)\n    b.tags.create(name=n)\n", ["UNQ001"]),
    ("from .models import Tag\ndef f(pk, s):\n    Tag.objects.get(pk=pk).books.create(slug=s)\n", ["UNQ001"]),
    ("def f(request, s):\n    request.user.authors.create(name=s)\n", []),
    ("from .models import Book\ndef f(request, s):\n    a = request.user.authors.first()\n    a.book_set.create(slug=s)\n", ["UNQ001"]),
    ("def f(request, e):\n    user = request.user\n    user.email = e\n    user.save()\n", ["UNQ001"]),
    ("def f(request, e):\n    user = request.user\n    user.first_name = e\n    user.save()\n", []),
    ("from .models import User\ndef f(e):\n    for u in User.objects.all():\n        u.email = e\n        u.save()\n", ["UNQ001"]),
    ("from .models import Tag\ndef f():\n    for t in [Tag(name='a'), Tag(name='b')]:\n        t.save()\n", ["UNQ001"]),
    ("from .models import Tag\nclass Importer:\n    def __init__(self, n):\n        self.tag = Tag(name=n)\n"
     "    def run(self):\n        self.tag.save()\n", ["UNQ001"]),
    ("from django.apps import apps\nfrom django.conf import settings\ndef f(e):\n"
     "    apps.get_model(settings.AUTH_USER_MODEL).objects.create(email=e)\n", ["UNQ001"]),
    ("from .models import Tag\ndef f(n):\n    Tag.objects.ensure(n)\n", []),  # an ordinary method: judged inside
    # A reverse manager name only one relation has, on an instance nothing describes:
    ("def f(book, n):\n    book.chapters.create(number=n)\n", ["UNQ001"]),
    ("def f(rows, n):\n    for book in rows:\n        book.chapters.create(number=n)\n", ["UNQ001"]),
    ("def f(tag, s):\n    tag.books.create(slug=s)\n", ["UNQ001"]),  # the many-to-many's related_name
    ("def f(request, s):\n    request.user.books.create(slug=s)\n", []),  # a User has no `books`
    ("def f(author, t):\n    author.note_set.create(text=t)\n", []),  # Note has no unique field
    # ... but not on `self` of another class, an imported name, or what another call returned:
    ("class Client:\n    def add(self, n):\n        self.chapters.create(number=n)\n", []),
    ("from sdk import api\ndef f(n):\n    api.chapters.create(number=n)\n", []),
    ("from sdk import Api\ndef f(n):\n    api = Api()\n    api.chapters.create(number=n)\n", []),
])
def test_receivers_in_another_module(app, source, expected):
    assert lint(app, source) == expected


def test_ambiguous_manager_binding_stays_silent(app):
    app.write("shop/models.py", """
        from django.db import models

        class SharedManager(models.Manager):
            def refresh(self, code):
                return self.model.objects.create(code=code)

        class A(models.Model):
            code = models.CharField(max_length=5, unique=True)
            objects = SharedManager()

        class B(models.Model):
            code = models.CharField(max_length=5, unique=True)
            objects = SharedManager()
    """)
    assert app.lint("shop/models.py") == []


def test_from_queryset_binds_both_classes(app):
    app.write("shop/models.py", """
        from django.db import models

        class CodeQuerySet(models.QuerySet):
            def mint(self, code):
                return self.create(code=code)

        class CodeManager(models.Manager):
            def mint2(self, code):
                return self.create(code=code)

        class Coupon(models.Model):
            code = models.CharField(max_length=5, unique=True)
            objects = CodeManager.from_queryset(CodeQuerySet)()
    """)
    assert [c for _, c in app.lint("shop/models.py")] == ["UNQ001", "UNQ001"]


def test_strict_mode_lists_unresolved_manager_writes(app):
    app.write("accounts/dynamic.py", """
        import stripe

        def f(model, registry, rows, qs):
            model.objects.bulk_create(rows)
            registry["x"]._default_manager.create(a=1)
            qs.filter(a=1).create(b=2)
            stripe.Customer.create(email="x")
            model.create(a=1)
    """)
    assert app.lint("accounts/dynamic.py", strict=True) == [
        (5, "UNQ005"), (6, "UNQ005"), (7, "UNQ005")]


def test_functions_and_methods_returning_a_model(app):
    app.write("accounts/adapters.py", """
        from django.contrib.auth import get_user_model
        from .models import Tag

        def tag_model():
            return Tag

        class Adapter:
            @classmethod
            def user_model(cls):
                return get_user_model()

            def pick(self, flag):
                if flag:
                    return Tag
                return get_user_model()

            @classmethod
            def signup(cls, email):
                return cls.user_model().objects.create(email=email)

            def tag(self, name):
                tag_model().objects.create(name=name)
                self.pick(name).objects.create(name=name)
    """)
    assert app.lint("accounts/adapters.py") == [(20, "UNQ001"), (23, "UNQ001")]
