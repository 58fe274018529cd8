from django.db import models


class BaseUserManager(models.Manager):
    def create_user(self, *args, **kwargs): ...


class AbstractBaseUser(models.Model):
    password = models.CharField(max_length=128)
    last_login = models.DateTimeField(blank=True, null=True)

    class Meta:
        abstract = True
