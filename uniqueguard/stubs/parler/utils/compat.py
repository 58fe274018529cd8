"""django-parler 2.4 `parler.utils.compat`: the translations model's `language_code` field class."""
from django.db import models


class HideChoicesCharField(models.CharField):

    def deconstruct(self): ...
