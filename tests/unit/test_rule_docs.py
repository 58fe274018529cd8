"""Each rule page's code is a test (Fixit's VALID / INVALID idea): the engine must report exactly the
findings its `# UNQ00x` markers announce on the page's *Example* and *Use instead* blocks, and every
block without a marker must lint clean, so the docs cannot drift from the engine."""
from __future__ import annotations

import re
import textwrap
from typing import Dict, List, Set, Tuple

import pytest

from uniqueguard import records
from uniqueguard.analysis.engine import Options, check_source
from uniqueguard.docs import page
from uniqueguard.rules import BY_CODE

# What the pages' snippets take for granted: a custom user with a unique email, a one-to-one profile a
# post_save receiver creates (accounts/signals.py:9, as UNQ001's page says), the usual imports.
PROJECT = {
    "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_conf.settings")\n',
    "site_conf/__init__.py": "",
    "site_conf/settings.py": 'INSTALLED_APPS = ["django.contrib.auth", "accounts"]\nAUTH_USER_MODEL = "accounts.User"\n',
    "accounts/__init__.py": "",
    "accounts/models.py": textwrap.dedent("""\
        from django.contrib.auth.models import AbstractUser
        from django.db import models


        class User(AbstractUser):
            email = models.EmailField(unique=True)


        class Profile(models.Model):
            user = models.OneToOneField(User, on_delete=models.CASCADE)
            bio = models.TextField(blank=True)
        """),
    "accounts/signals.py": textwrap.dedent("""\
        from django.db.models.signals import post_save
        from django.dispatch import receiver

        from .models import Profile, User


        @receiver(post_save, sender=User)
        def create_profile(sender, instance, created, **kwargs):
            if created:
                Profile.objects.create(user=instance)
        """),
}
PRELUDE = textwrap.dedent("""\
    from django import forms
    from django.db import IntegrityError, transaction
    from django.db.models.signals import post_save
    from django.dispatch import receiver
    from django.shortcuts import redirect, render

    from accounts.models import Profile, User
    """)
MARKER = re.compile(r"#\s*(UNQ\d{3})\b")
SECTIONS = ("Example", "Use instead")
PAGES = [code for code in BY_CODE if code != "UNQ000"]  # UNQ000's example is an unreadable module


def blocks(text: str) -> List[Tuple[str, str]]:
    """(section, code) of every ```python block under the page's *Example* and *Use instead*."""
    found = []
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        title, _, body = section.partition("\n")
        if title.strip() in SECTIONS:
            found += [(title.strip(), code) for code in re.findall(r"```python\n(.*?)```", body, flags=re.S)]
    return found


def expected(code: str) -> Set[Tuple[int, str]]:
    return {(number, m.group(1)) for number, line in enumerate(code.splitlines(), 1)
            for m in [MARKER.search(line)] if m is not None}


def reported(tmp_path, code: str, index: int) -> Set[Tuple[int, str]]:
    root = tmp_path / "proj"
    for relpath, source in PROJECT.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    view = root / "accounts" / f"example_{index}.py"
    view.write_text(PRELUDE + code)
    # every rule, the off-by-default UNQ004 too: each page shows its own rule
    options = records.replace(Options(), strict=True, cache=False, extend_select=tuple(BY_CODE))
    offset = PRELUDE.count("\n")
    return {(f.line - offset, f.code) for f in check_source(view.read_bytes(), str(view), options) if not f.note}


def mismatches(tmp_path, text: str) -> Dict[str, object]:
    """What the page's blocks announce against what the engine reports, block by block."""
    wrong: Dict[str, object] = {}
    for index, (section, code) in enumerate(blocks(text)):
        want, got = expected(code), reported(tmp_path, code, index)
        if want != got:
            wrong[f"{section} block {index}"] = {"page says": sorted(want), "engine reports": sorted(got)}
    return wrong


@pytest.mark.parametrize("code", PAGES)
def test_the_page_examples_are_what_the_engine_reports(tmp_path, code):
    text = page(BY_CODE[code])
    sections = [section for section, _ in blocks(text)]
    assert "Example" in sections and "Use instead" in sections, f"{code}: both sections need a python block"
    announced = {rule for _, block in blocks(text) for _, rule in expected(block)}
    assert code in announced, f"{code}'s examples must show the rule itself"
    assert mismatches(tmp_path, text) == {}


def test_changing_an_examples_expected_finding_fails(tmp_path):
    """The check above can fail: the same page with one marker changed no longer matches."""
    text = page(BY_CODE["UNQ001"])
    assert mismatches(tmp_path, text) == {}
    _, example = blocks(text)[0]
    changed = text.replace(example, example.replace("# UNQ001", "# UNQ002", 1))
    assert changed != text and mismatches(tmp_path, changed) != {}


def test_rule_pages_are_package_data_not_a_link():
    """`explain` reads the pages from the package (wheel or checkout); nothing to follow, nothing to copy."""
    import os

    from uniqueguard.docs import DOCS_ROOT

    assert not os.path.islink(DOCS_ROOT)
    assert sorted(f for f in os.listdir(DOCS_ROOT) if f.endswith(".md")) == sorted(f"{c}.md" for c in BY_CODE)
    pyproject = open(os.path.join(os.path.dirname(os.path.dirname(DOCS_ROOT)), "pyproject.toml")).read()
    assert '"rule_docs/*.md"' in pyproject
