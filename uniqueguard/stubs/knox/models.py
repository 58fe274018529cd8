from django.conf import settings
from django.db import models


class AuthTokenManager(models.Manager):
    def create(self, user, expiry=None, prefix=""): ...


class AbstractAuthToken(models.Model):
    digest = models.CharField(max_length=128, primary_key=True)
    token_key = models.CharField(max_length=25, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=False, blank=False, related_name="auth_token_set",
                             on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)
    expiry = models.DateTimeField(null=True, blank=True)

    objects = AuthTokenManager()

    class Meta:
        abstract = True


class AuthToken(AbstractAuthToken):
    class Meta:
        swappable = "KNOX_TOKEN_MODEL"
