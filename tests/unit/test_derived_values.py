"""Values derived from the row's own primary key, random values formatted into text, the values of an
attribute that reach a save, and sets written on different branches (issue 13, items 4 and 7)."""
import ast
import textwrap

import pytest

from uniqueguard.analysis.assigned import ScopeSummary, apart, reaching
from uniqueguard.analysis.fresh_values import format_parts, is_random_token, own_key_value

MODELS = """
    from django.db import models


    class Member(models.Model):
        username = models.CharField(max_length=100, unique=True)
        email = models.EmailField(unique=True)
        old_a = models.IntegerField(null=True, unique=True)
        old_b = models.IntegerField(null=True, unique=True)
        old_c = models.IntegerField(null=True, unique=True)


    class Code(models.Model):
        code = models.CharField(max_length=20, primary_key=True)
        label = models.CharField(max_length=40, unique=True)
"""


def _expr(text):
    return ast.parse(text, mode="eval").body


def _qualify(node):
    """Callee names as an import of the module would give them (`os.urandom`, `uuid.uuid4`)."""
    return ast.unparse(node) if hasattr(ast, "unparse") else None


@pytest.mark.parametrize("text, parts", [
    ('f"deleted-{user.pk}"', ["user.pk"]),
    ('"noreply+%s@example.org" % user.id', ["user.id"]),
    ('"%s-%s" % (a, b)', ["a", "b"]),
    ('"{}-{x}".format(a, x=b)', ["a", "b"]),
    ('"u" + str(user.pk) + "-x"', ["str(user.pk)"]),
    ('"u" + f"{a}"', ["a"]),
    ("a + b", None),  # may be arithmetic
    ('"%s" % (*rest,)', None),
    ('"{}".format(**kw)', None),
    ("name", None),
])
def test_format_parts(text, parts):
    found = format_parts(_expr(text))
    assert (None if found is None else [ast.dump(p) for p in found]) == (
        None if parts is None else [ast.dump(_expr(p)) for p in parts])


@pytest.mark.parametrize("text, fresh", [
    ('f"tmp-{uuid.uuid4().hex}"', True),
    ('"x-%s" % os.urandom(5).hex()', True),
    ('os.urandom(8).hex()', True),
    ('f"{title}-{get_random_string(4)}"', True),
    ('f"tmp-{user.pk}"', False),
    ('f"tmp-{name}"', False),
])
def test_random_values_formatted_into_text_stay_fresh(text, fresh):
    assert is_random_token(_expr(text), _qualify) is fresh


@pytest.mark.parametrize("text, derived", [
    ('f"deleted-{user.pk}"', True),
    ('f"deleted-{user.id}"', True),
    ('"noreply+%s@example.org" % user.pk', True),
    ('"deleted-{}".format(user.pk)', True),
    ('"deleted-" + str(user.pk)', True),
    ('f"deleted-{user.pk}-{os.urandom(5).hex()}"', True),
    ('f"{user.pk}"', True),
    ('f"deleted-{other.pk}"', False),  # another row's pk: that row's value, maybe held by this one
    ('f"{name}-{user.pk}"', False),  # a supplied part: "a-12" from name "a" and pk 12, "a-1" + "2"...
    ('f"deleted-{user.code}"', False),  # not the pk
    ('f"deleted-{os.urandom(5).hex()}"', False),  # random, but not formatted from the key
    ("user.pk", False),  # the pk itself, not a format of it
])
def test_own_key_value(text, derived):
    assert own_key_value(_expr(text), "user", ("pk", "id"), _qualify, lambda e: e) is derived


def _summary(source):
    function = ast.parse(textwrap.dedent(source)).body[0]
    return function, ScopeSummary(function)


def test_an_overwritten_value_does_not_reach_the_save_but_each_branch_does():
    function, summary = _summary("""
        def f(obj, x, c):
            obj.a = x
            obj.a = None
            if c:
                obj.b = x
            else:
                obj.b = None
            obj.c = None
            if c:
                obj.c = x
            obj.d = x
            if c:
                obj.d = None
            obj.e = x
            for _ in c:
                obj.e = None
            obj.save()
    """)
    save = function.body[-1].value
    found = reaching(summary, "obj", (0, 0), (save.lineno, save.col_offset),
                     lambda v: isinstance(v, ast.Constant) and v.value is None)
    assert sorted(found.risky) == ["b", "c", "d", "e"]
    assert all(isinstance(found[a], ast.Name) for a in "bcde")
    assert isinstance(found["a"], ast.Constant)  # the last, harmless one decides


def test_fields_on_different_arms_of_one_if_are_apart():
    function, summary = _summary("""
        def f(obj, x, kind):
            if kind == 1:
                obj.a = x
            elif kind == 2:
                obj.b = x
            else:
                obj.c = x
            if kind:
                obj.d = x
            obj.save()
    """)
    save = function.body[-1].value
    found = reaching(summary, "obj", (0, 0), (save.lineno, save.col_offset), lambda v: False)
    assert apart([found.arms["a"], found.arms["b"], found.arms["c"]])
    assert not apart([found.arms["a"], found.arms["d"]])  # another `if`: both may run
    assert not apart([found.arms["a"], None])  # a field the constructor always sets


@pytest.fixture
def app(project):
    project.write("shop/models.py", MODELS)
    return project


def lint(app, body):
    app.write("shop/services.py", "import os\nfrom .models import Code, Member\n" + textwrap.dedent(body))
    return app.findings("shop/services.py")


@pytest.mark.parametrize("body, expected", [
    # weblate's remove_user(): pk-derived, re-drawn with a random suffix while taken
    ("""
     def remove(pk):
         member = Member.objects.get(pk=pk)
         member.username = f"deleted-{member.pk}"
         member.email = "noreply+%s@example.org" % member.id
         while Member.objects.filter(username=member.username).exists():
             member.username = f"deleted-{member.pk}-{os.urandom(5).hex()}"
         member.save()
     """, []),
    ("""
     def remove(member: Member):
         member.username = "deleted-{}".format(member.pk)
         member.save()
     """, []),
    # saved first, then named from the pk it got
    ("""
     def add(email):
         member = Member(email=None)
         member.save()
         member.username = "member-" + str(member.pk)
         member.save()
     """, []),
    # look-alikes: another row's pk, a supplied part, an unsaved instance (pk None), a copy's pk reset
    ("""
     def remove(pk, other):
         member = Member.objects.get(pk=pk)
         member.username = f"deleted-{other.pk}"
         member.save()
     """, ["UNQ001"]),
    ("""
     def rename(pk, name):
         member = Member.objects.get(pk=pk)
         member.username = f"{name}-{member.pk}"
         member.save()
     """, ["UNQ001"]),
    ("""
     def add(email):
         member = Member(email=None)
         member.username = f"member-{member.pk}"
         member.save()
     """, ["UNQ001"]),
    ("""
     def copy(pk):
         member = Member.objects.get(pk=pk)
         member.pk = None
         member.username = f"copy-{member.pk}"
         member.save()
     """, ["UNQ001"]),
    # `.id` is not the pk of a model whose primary key is another field
    ("""
     def relabel(pk):
         code = Code.objects.get(pk=pk)
         code.label = f"label-{code.id}"
         code.save()
     """, ["UNQ001"]),
    ("""
     def relabel(pk):
         code = Code.objects.get(pk=pk)
         code.label = f"label-{code.pk}"
         code.save()
     """, []),
    # a value on one branch is not hidden by a NULL on another
    ("""
     def mark(pk, value, flag):
         member = Member.objects.get(pk=pk)
         if flag:
             member.old_a = value
         else:
             member.old_a = None
         member.save()
     """, ["UNQ001"]),
    ("""
     def mark(pk, value):
         member = Member.objects.get(pk=pk)
         member.old_a = value
         member.old_a = None
         member.save()
     """, []),
])
def test_values_derived_from_the_rows_own_key(app, body, expected):
    assert [f.code for f in lint(app, body)] == expected


def test_sets_written_on_different_branches_are_named_as_alternatives(app):
    found = lint(app, """
        def merge(pk, other, kind):
            member = Member.objects.get(pk=pk)
            if kind == 1:
                member.old_a = other.id
            elif kind == 2:
                member.old_b = other.id
            else:
                member.old_c = other.id
            member.save()


        def both(pk, other):
            member = Member.objects.get(pk=pk)
            member.old_a = other.id
            if other:
                member.old_b = other.id
            member.save()
    """)
    assert [f.code for f in found] == ["UNQ001", "UNQ001"]
    assert "may violate unique Member.old_a, Member.old_b or Member.old_c (one per branch);" in found[0].message
    assert "may violate unique Member.old_a, Member.old_b;" in found[1].message


def test_get_or_create_defaults_formatted_from_the_pinned_keys_names_still_fire(app):
    """weblate's get_or_create_bot(): `email` formatted from the names the pinned username is formatted
    from. Not safe as a rule: the key is mutable (a row created so, then renamed, still holds the e-mail
    and is not found by the new lookup), and two formats of the same names with different separators are
    not one-to-one (`a-b:c` and `a:b-c` both give `noreply-a-b-c`)."""
    found = lint(app, """
        def bot(scope, name):
            return Member.objects.get_or_create(username=f"{scope}:{name}",
                                                defaults={"email": f"noreply-{scope}-{name}@example.org"})
    """)
    assert [f.code for f in found] == ["UNQ001"]
    assert "a row with this email but another username is not found by the lookup" in found[0].message
