from django.db import models


class BaseSessionManager(models.Manager):
    def save(self, session_key, session_dict, expire_date): ...


class AbstractBaseSession(models.Model):
    session_key = models.CharField(max_length=40, primary_key=True)
    session_data = models.TextField()
    expire_date = models.DateTimeField(db_index=True)

    objects = BaseSessionManager()

    class Meta:
        abstract = True
