from django.contrib.contenttypes.models import ContentType
from django.db import models


class TagBase(models.Model):
    name = models.CharField(unique=True, max_length=100)
    slug = models.SlugField(unique=True, max_length=100, allow_unicode=True)

    class Meta:
        abstract = True


class Tag(TagBase):
    pass


class ItemBase(models.Model):
    class Meta:
        abstract = True


class TaggedItemBase(ItemBase):
    tag = models.ForeignKey(Tag, related_name="%(app_label)s_%(class)s_items", on_delete=models.CASCADE)

    class Meta:
        abstract = True


class CommonGenericTaggedItemBase(ItemBase):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE,
                                     related_name="%(app_label)s_%(class)s_tagged_items")

    class Meta:
        abstract = True


class GenericTaggedItemBase(CommonGenericTaggedItemBase):
    object_id = models.IntegerField(db_index=True)

    class Meta:
        abstract = True


class TaggedItem(GenericTaggedItemBase, TaggedItemBase):
    class Meta:
        unique_together = [["content_type", "object_id", "tag"]]
