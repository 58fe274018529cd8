"""What uniqueguard's stubs of django-parler and django-polymorphic (packages the test environment lacks, as
lint environments do) make of the classes projects derive from them."""
from uniqueguard.index.project import project_for
from uniqueguard.index.validation import MODEL_FORM_BASES

MODELS = """
    from django.db import models
    from parler.models import TranslatableModel, TranslatedFields
    from polymorphic.models import PolymorphicModel

    class Shape(PolymorphicModel):
        code = models.CharField(max_length=20, unique=True)

    class Article(TranslatableModel):
        translations = TranslatedFields(slug=models.SlugField(unique=True))
"""


def _project(project):
    path = project.write("shop/models.py", MODELS)
    return project_for(str(path))


def test_a_polymorphic_model_inherits_the_content_type_link_and_manager(project):
    shape = _project(project).model("shop.models.Shape")
    assert shape is not None and not shape.abstract
    ctype = shape.fields["polymorphic_ctype"]
    assert ctype.null and not ctype.unique
    assert shape.managers["objects"] == ("polymorphic.managers.PolymorphicManager",)


def test_translated_fields_declare_no_field_and_no_model(project):
    """parler makes `ArticleTranslation` at run time (`create_translations_model`); nothing declares it in the
    source, and `TranslatedFields(...)` is no field class: the model is the shared one alone."""
    known = _project(project)
    article = known.model("shop.models.Article")
    assert article is not None and not article.fields and not article.unique_sets
    assert known.model("shop.models.ArticleTranslation") is None


def test_a_translatable_model_form_is_a_model_form(project):
    known = _project(project)
    form = known.modules.find_class("parler.forms.TranslatableModelForm")
    assert form is not None and known.modules.inherits(form, MODEL_FORM_BASES)


def test_the_managers_are_read_through_from_queryset(project):
    """`TranslatableManager(models.Manager.from_queryset(TranslatableQuerySet))`: the queryset's methods are
    the manager's, as Django copies them; polymorphic's queryset is found where its managers module re-exports it."""
    index = _project(project).modules
    manager = index.find_class("parler.managers.TranslatableManager")
    assert manager is not None and any(f.method("translated") for f in index.lineage(manager))
    queryset = index.find_class("polymorphic.managers.PolymorphicQuerySet")
    assert queryset is not None and queryset.method("bulk_create") is not None


def test_a_declared_translations_model_inherits_its_language_code(project):
    """The spelling parler's docs give for a translations model written out: `TranslatedFieldsModel` brings
    `language_code`, the project's Meta the uniqueness parler would add to a generated one."""
    project.write("shop/models.py", MODELS + """
    from parler.fields import TranslationsForeignKey
    from parler.models import TranslatedFieldsModel

    class ArticleTranslation(TranslatedFieldsModel):
        master = TranslationsForeignKey(Article, related_name="texts", null=True, on_delete=models.CASCADE)
        title = models.CharField(max_length=200)

        class Meta:
            unique_together = ("language_code", "master")
    """)
    translation = project_for(str(project.root / "shop/models.py")).model("shop.models.ArticleTranslation")
    assert translation is not None and not translation.abstract
    assert translation.fields["language_code"].kind == "HideChoicesCharField"
    assert translation.fields["master"].relation == "fk"
    assert [sorted(s.fields) for s in translation.unique_sets] == [["language_code", "master"]]
