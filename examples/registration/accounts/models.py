from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """The project's user: sign-in is by email, so an email may belong to one account only."""

    email = models.EmailField(unique=True)
