from django.conf import settings
from django.db import models


class Token(models.Model):
    key = models.CharField(max_length=40, primary_key=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="auth_token", on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)


class TokenProxy(Token):
    class Meta:
        proxy = True
