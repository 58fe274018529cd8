from django.conf import settings
from django.db import models


class SocialApp(models.Model):
    provider = models.CharField(max_length=30)
    provider_id = models.CharField(max_length=200, blank=True)
    name = models.CharField(max_length=40)
    client_id = models.CharField(max_length=191)
    secret = models.CharField(max_length=191, blank=True)


class SocialAccount(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    provider = models.CharField(max_length=200)
    uid = models.CharField(max_length=191)
    extra_data = models.JSONField(default=dict)

    class Meta:
        unique_together = ("provider", "uid")


class SocialToken(models.Model):
    app = models.ForeignKey(SocialApp, on_delete=models.SET_NULL, blank=True, null=True)
    account = models.ForeignKey(SocialAccount, on_delete=models.CASCADE)
    token = models.TextField()

    class Meta:
        unique_together = ("app", "account")
