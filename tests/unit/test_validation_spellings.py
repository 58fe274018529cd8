"""Validation spelled the older ways (issue 13, items 6-7): a ModelForm clean() that calls its base's by
name or through two-argument super(); Meta.constraints, which a ModelForm checks whatever its clean() does;
and the scope helpers hints.py, form_inserts.py and guards.py share (one reading each, the caller's rule
as a parameter)."""
import ast

import pytest

from uniqueguard.analysis.scope import ModuleScope, caught, stores_field_of

MODELS = """
    from django.db import models


    class Coupon(models.Model):
        code = models.CharField(max_length=20, unique=True)


    class Badge(models.Model):
        code = models.CharField(max_length=20)

        class Meta:
            constraints = [models.UniqueConstraint(fields=["code"], name="unique_badge_code")]


    class Pair(models.Model):
        left = models.CharField(max_length=20)
        right = models.CharField(max_length=20)

        class Meta:
            unique_together = [("left", "right")]
"""

FORM = """
    from django import forms
    from django.forms import ModelForm

    from .models import {model}


    class Base(forms.ModelForm):
        class Meta:
            model = {model}
            fields = {fields}

        def clean(self):
            return super().clean()


    class Skipper(forms.ModelForm):
        class Meta:
            model = {model}
            fields = {fields}

        def clean(self):
            return self.cleaned_data


    class Checked({base}):
        class Meta:
            model = {model}
            fields = {fields}

        def clean(self):
            {body}
"""

VIEW = """from .forms import Checked


def add(request):
    form = Checked(request.POST)
    if form.is_valid():
        form.save()
"""


def _codes(project, body, model="Coupon", fields='["code"]', base="forms.ModelForm"):
    project.write("shop/models.py", MODELS)
    project.write("shop/forms.py", FORM.format(model=model, fields=fields, base=base, body=body))
    project.write("shop/views.py", VIEW)
    return project.findings("shop/views.py")


@pytest.mark.parametrize("body, code", [
    ("return super(Checked, self).clean()", "UNQ004"),
    ("return forms.ModelForm.clean(self)", "UNQ004"),
    ("return ModelForm.clean(self)", "UNQ004"),
    ("return Base.clean(self)", "UNQ004"),
    # a plain Form's clean() never sets ModelForm's _validate_unique
    ("return forms.Form.clean(self)", "UNQ001"),
    ("return forms.BaseForm.clean(self)", "UNQ001"),
    # by name, but the class named skips ModelForm's
    ("return Skipper.clean(self)", "UNQ001"),
    # not a base's clean(): something the form holds, or the instance's
    ("return self.helper.clean(self)", "UNQ001"),
    ("self.instance.clean()\n            return self.cleaned_data", "UNQ001"),
    ("return self.cleaned_data", "UNQ001"),
])
def test_a_base_clean_called_by_name_switches_validate_unique_on(project, body, code):
    assert [f.code for f in _codes(project, body)] == [code]


def test_the_skipping_class_a_named_call_reaches_gets_the_fix(project):
    found = _codes(project, "return Skipper.clean(self)")
    assert "call super().clean() in Skipper.clean()" in found[0].message


@pytest.mark.parametrize("model, fields, code", [
    # Meta.constraints: _post_clean's full_clean(validate_unique=False) still runs validate_constraints()
    ("Badge", '["code"]', "UNQ004"),
    # unique=True and unique_together: only validate_unique(), which the skipped clean() switched off
    ("Coupon", '["code"]', "UNQ001"),
    ("Pair", '["left", "right"]', "UNQ001"),
])
def test_a_skipped_clean_still_checks_meta_constraints(project, model, fields, code):
    assert [f.code for f in _codes(project, "return self.cleaned_data", model, fields)] == [code]


def test_a_constraint_of_a_field_the_form_lacks_is_not_checked(project):
    """validate_constraints() skips a constraint one of whose fields the form excludes."""
    project.write("shop/models.py", MODELS + """

    class Tag(models.Model):
        owner = models.CharField(max_length=20)
        name = models.CharField(max_length=20)

        class Meta:
            constraints = [models.UniqueConstraint(fields=["owner", "name"], name="unique_tag")]
    """)
    form = FORM.format(model="Tag", fields='["name"]', base="forms.ModelForm", body="return self.cleaned_data")
    project.write("shop/forms.py", form)
    project.write("shop/views.py", VIEW)
    assert [f.code for f in project.findings("shop/views.py")] == ["UNQ001"]


# ------------------------------------------------------------------------------------ scope helpers
def _scope(source: str):
    tree = ast.parse(source)
    return ModuleScope(tree, "m", False), tree


def _load(tree, name: str, line: int) -> ast.Name:
    return next(n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == name and n.lineno == line
                and isinstance(n.ctx, ast.Load))


SOURCE = """\
def f(flag):
    x = 1
    if flag:
        x = 2
    y = x
    x = 3
    return y
"""


def test_assigned_values_position_rule():
    scope, tree = _scope(SOURCE)
    use = _load(tree, "x", 5)
    assert [ast.unparse(v) for v in scope.assigned_values(use)] == ["2"]  # the binding in effect
    assert [ast.unparse(v) for v in scope.assigned_values(use, every=True)] == ["1", "2"]  # any before
    assert ast.unparse(scope.follow_locals(_load(tree, "y", 7))) == "2"  # y, then the x it was bound to


def test_a_parameter_has_no_assigned_value():
    scope, tree = _scope("def f(flag):\n    return flag\n")
    assert scope.assigned_values(_load(tree, "flag", 2)) == []


INSTANCE = """\
def f(form, request):
    form.save()
    form.instance.team_id = request.team
    form.other.team = 1
"""


def test_stores_field_of_before_or_anywhere():
    _, tree = _scope(INSTANCE)
    assert stores_field_of(tree, "form", ("team",))  # `team_id` is the field's column
    assert not stores_field_of(tree, "form", ("team",), before=(2, 0))  # the save runs before it
    assert not stores_field_of(tree, "form", ("owner",))
    assert stores_field_of(tree, "form", ("team",), through=("other",))
    assert not stores_field_of(tree, "request", ("team",))


HANDLERS = """\
from django.db import DatabaseError, IntegrityError as Dup

ERRORS = (KeyError, Dup)

try:
    pass
except ERRORS:
    pass
except DatabaseError:
    pass
except:
    pass
"""


def test_caught_reads_the_clause_and_takes_the_callers_rule():
    scope, tree = _scope(HANDLERS)
    handlers = [n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)]
    named = lambda qualified: qualified.rpartition(".")[2] == "IntegrityError"  # noqa: E731
    assert caught(scope, handlers[0].type, named) == "Dup"  # through the local tuple and the alias
    assert caught(scope, handlers[1].type, named) is None
    assert caught(scope, handlers[1].type, lambda q: q == "django.db.DatabaseError") == "DatabaseError"
    assert caught(scope, handlers[2].type, lambda q: q == "BaseException") == "bare except"
