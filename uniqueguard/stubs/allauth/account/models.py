from django.conf import settings
from django.db import models


class EmailAddress(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    email = models.EmailField(max_length=254)
    verified = models.BooleanField(default=False)
    primary = models.BooleanField(default=False)

    class Meta:
        unique_together = [("user", "email")]


class EmailConfirmation(models.Model):
    email_address = models.ForeignKey(EmailAddress, on_delete=models.CASCADE)
    created = models.DateTimeField()
    sent = models.DateTimeField(null=True)
    key = models.CharField(max_length=64, unique=True)
