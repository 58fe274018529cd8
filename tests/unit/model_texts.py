"""Model modules shared by several unit tests' throw-away projects (one copy, so a change reaches all)."""

# An account and its one wallet (a lone one-to-one): the shape of new-row and call-site-argument tests.
ACCOUNTS = """
from django.db import models

class Account(models.Model):
    name = models.CharField(max_length=20)

class Wallet(models.Model):
    account = models.OneToOneField(Account, on_delete=models.CASCADE)
"""
