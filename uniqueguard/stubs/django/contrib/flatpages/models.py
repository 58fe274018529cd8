from django.contrib.sites.models import Site
from django.db import models


class FlatPage(models.Model):
    url = models.CharField(max_length=100, db_index=True)
    title = models.CharField(max_length=200)
    sites = models.ManyToManyField(Site)
