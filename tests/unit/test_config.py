"""One configuration: [tool.uniqueguard] in pyproject.toml, front-end options over it, clear errors."""
import pytest

from uniqueguard.config import ConfigError, Options, options_from_mapping

MODELS = """
    from django.db import models

    class Tag(models.Model):
        name = models.CharField(max_length=10, unique=True)
"""

VIEWS = """
    from django.db import transaction
    from billing.models import Invoice
    from myapp.errors import Duplicate
    from .models import Tag

    def a(n):
        Invoice.objects.create(number=n)

    def b(n):
        Tag.objects.register(name=n)

    def c(n):
        try:
            Tag.objects.create(name=n)
        except Duplicate:
            pass

    def d(request, n):
        try:
            Tag.objects.create(name=n)
        except Exception:
            pass
"""


@pytest.fixture
def app(project):
    project.write("shop/models.py", MODELS)
    project.write("shop/views.py", VIEWS)
    return project


def test_defaults(app):
    assert app.lint("shop/views.py") == [(15, "UNQ001")]  # b: unknown method, c: unknown exception


def test_pyproject_options(app):
    app.write("pyproject.toml", """
        [tool.uniqueguard]
        unique = {"billing.Invoice" = ["number"]}
        write-methods = ["register"]
        atomic-requests = true
        strict = true
    """)
    assert app.lint("shop/views.py", strict=False) == [(8, "UNQ001"), (11, "UNQ001"), (15, "UNQ001"), (21, "UNQ003")]


def test_guard_exceptions_and_exclude(app):
    app.write("pyproject.toml", """
        [tool.uniqueguard]
        guard-exceptions = ["myapp.errors.Duplicate"]
    """)
    assert app.lint("shop/views.py") == []
    app.write("pyproject.toml", '[tool.uniqueguard]\nextend-exclude = ["shop/views.py"]\n')
    assert app.lint("shop/views.py") == []


def test_front_end_options_win_over_pyproject(app):
    app.write("pyproject.toml", '[tool.uniqueguard]\nexclude = ["shop/**"]\n')
    assert app.lint("shop/views.py") == []
    assert app.lint("shop/views.py", Options(exclude=("nothing/**",))) == [(15, "UNQ001")]


def test_unique_facts_add_to_readable_models(app):
    app.write("pyproject.toml", '[tool.uniqueguard]\nunique = {"shop.Tag" = [["name", "kind"], "code"]}\n')
    app.write("shop/other.py", "from .models import Tag\n\ndef f(c):\n    Tag.objects.create(code=c)\n")
    found = app.findings("shop/other.py")
    assert [(f.line, f.code) for f in found] == [(4, "UNQ001")]
    assert "unique Tag.code" in found[0].message


@pytest.mark.parametrize("text, option", [
    ('exclude = 3', "exclude"),
    ('strict = "maybe"', "strict"),
    ('unique = {"Invoice" = ["number"]}', "unique"),
    ('unique = {"billing.Invoice" = [3]}', "unique"),
    ('colour = "blue"', "colour"),
    ('settings = ""', "settings"),
])
def test_bad_values_name_the_option_and_the_file(app, text, option):
    app.write("pyproject.toml", "[tool.uniqueguard]\n" + text + "\n")
    found = app.findings("shop/views.py")
    assert [(f.line, f.code) for f in found] == [(1, "UNQ000")]
    assert f"'{option}'" in found[0].message and "pyproject.toml" in found[0].message


def test_broken_toml_is_reported(app):
    app.write("pyproject.toml", "[tool.uniqueguard\nstrict = true\n")
    found = app.findings("shop/views.py")
    assert [f.code for f in found] == ["UNQ000"] and "cannot read the file" in found[0].message


def test_text_forms_used_by_flake8_and_pylint():
    options = options_from_mapping({"exclude": "a/**, b/*.py", "unique": "billing.Invoice:number,shop.Item:shop+sku",
                                    "strict": "yes", "cache_dir": None}, "setup.cfg")
    assert options.exclude == ("a/**", "b/*.py")
    assert options.unique == (("billing.Invoice", (("number",),)), ("shop.Item", (("shop", "sku"),)))
    assert options.strict is True
    with pytest.raises(ConfigError, match="'unique' in setup.cfg"):
        options_from_mapping({"unique": "billing.Invoice"}, "setup.cfg")


def test_a_configuration_added_later_is_seen_by_the_same_process(app):
    """An editor's linter lives across edits: a configuration file added above a module after its first
    check counts from the next check on, as an edited one does, and one deleted stops counting (it was
    still read, and every file said UNQ000 'cannot read the file')."""
    assert app.lint("shop/views.py") == [(15, "UNQ001")]
    app.write("pyproject.toml", '[tool.uniqueguard]\nextend-exclude = ["shop/*.py"]\n')
    assert app.lint("shop/views.py") == []
    (app.root / "pyproject.toml").unlink()
    assert app.lint("shop/views.py") == [(15, "UNQ001")]
    app.write("shop/setup.cfg", "[uniqueguard]\nextend-exclude = shop/views.py\n")
    assert app.lint("shop/views.py") == []
