from django.db import models


class LogEntry(models.Model):
    action_time = models.DateTimeField()
    object_id = models.TextField(blank=True, null=True)
