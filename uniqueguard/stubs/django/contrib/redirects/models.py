from django.contrib.sites.models import Site
from django.db import models


class Redirect(models.Model):
    site = models.ForeignKey(Site, models.CASCADE)
    old_path = models.CharField(max_length=200, db_index=True)
    new_path = models.CharField(max_length=200, blank=True)

    class Meta:
        unique_together = [["site", "old_path"]]
