from django.conf import settings
from django.db import models


class AbstractUserSocialAuth(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="social_auth", on_delete=models.CASCADE)
    provider = models.CharField(max_length=32)
    uid = models.CharField(max_length=255, db_index=True)
    extra_data = models.JSONField(default=dict)

    class Meta:
        abstract = True


class UserSocialAuth(AbstractUserSocialAuth):
    class Meta:
        unique_together = ("provider", "uid")


class Nonce(models.Model):
    server_url = models.CharField(max_length=255)
    timestamp = models.IntegerField()
    salt = models.CharField(max_length=65)

    class Meta:
        unique_together = ("server_url", "timestamp", "salt")


class Association(models.Model):
    server_url = models.CharField(max_length=255)
    handle = models.CharField(max_length=255)
    secret = models.CharField(max_length=255)

    class Meta:
        unique_together = ("server_url", "handle")


class Code(models.Model):
    email = models.EmailField(max_length=254)
    code = models.CharField(max_length=32, db_index=True)
    verified = models.BooleanField(default=False)

    class Meta:
        unique_together = ("email", "code")


class Partial(models.Model):
    token = models.CharField(max_length=32, db_index=True)
    next_step = models.PositiveSmallIntegerField(default=0)
    backend = models.CharField(max_length=32)
