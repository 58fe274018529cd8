"""Property: whatever Python the engine is handed, it returns findings and never fails internally.

hypothesmith generates syntactically valid programs from Python's grammar; each goes through the engine
in a project that has unique models, once plain and once with Django-shaped writes spliced in.
"""
import pytest

hypothesis = pytest.importorskip("hypothesis")
hypothesmith = pytest.importorskip("hypothesmith")

from hypothesis import HealthCheck, given, settings  # noqa: E402

from uniqueguard.analysis.engine import check_source  # noqa: E402

DJANGO_TAIL = """
from shop.models import Tag
def _f(n):
    try:
        Tag.objects.create(name=n)
    except Exception:
        pass
    Tag(name=n).save()
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    root = tmp_path_factory.mktemp("prop")
    (root / "manage.py").write_text("")
    (root / "shop").mkdir()
    (root / "shop" / "__init__.py").write_text("")
    (root / "shop" / "models.py").write_text(
        "from django.db import models\n\nclass Tag(models.Model):\n    name = models.CharField(unique=True)\n")
    return root


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(source=hypothesmith.from_grammar())
def test_engine_never_fails_internally(shop, source):
    path = str(shop / "shop" / "generated.py")
    for text in (source, source + "\n" + DJANGO_TAIL):
        found = check_source(text.encode("utf-8", "surrogatepass"), path)
        assert not [f for f in found if f.code == "UNQ000"], found
