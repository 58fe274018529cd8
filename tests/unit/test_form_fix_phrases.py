"""The form-fix phrases of a hint: one line per kind, in the words the rule pages use."""
import pytest

from uniqueguard.analysis.messages import form_fix_phrases
from uniqueguard.index.validation import FormFix, FormFixKind


@pytest.mark.parametrize("kind", list(FormFixKind))
def test_every_kind_has_a_phrase(kind):
    """A kind added without its line in messages._FORM_FIXES fails here, not in a user's run."""
    phrase, = form_fix_phrases([FormFix(form="SignupForm", kind=kind, fields=("email", "site"))])
    assert "SignupForm" in phrase or "email" in phrase


@pytest.mark.parametrize("kind, expected", [
    (FormFixKind.ADD_TO_META_FIELDS, "add email, site to SignupForm.Meta.fields"),
    (FormFixKind.UNIQUE_VALIDATOR, "add a UniqueValidator for email to SignupForm"),
    (FormFixKind.UNIQUE_TOGETHER_VALIDATOR,
     "add a UniqueTogetherValidator for (email, site) to SignupForm.Meta.validators"),
    (FormFixKind.CHECK_AFTER_COMMIT_FALSE, "check email yourself: the view sets it after save(commit=False)"),
    (FormFixKind.CLEAN, "validate uniqueness in SignupForm.clean()"),
])
def test_phrases(kind, expected):
    assert form_fix_phrases([FormFix(form="SignupForm", kind=kind, fields=("email", "site"))]) == [expected]


def test_clean_field_fixes_of_one_form_merge():
    fixes = [FormFix(form="SignupForm", kind=FormFixKind.CLEAN_FIELD, fields=(name,)) for name in ("email", "site")]
    assert len(form_fix_phrases(fixes)) == 1
