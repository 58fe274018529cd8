from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models


class BaseObjectPermission(models.Model):
    permission = models.ForeignKey(Permission, on_delete=models.CASCADE)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_pk = models.CharField(max_length=255)

    class Meta:
        abstract = True


class UserObjectPermissionBase(BaseObjectPermission):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)

    class Meta:
        abstract = True
        unique_together = ["user", "permission", "object_pk"]


class UserObjectPermission(UserObjectPermissionBase):
    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class GroupObjectPermissionBase(BaseObjectPermission):
    group = models.ForeignKey(Group, on_delete=models.CASCADE)

    class Meta:
        abstract = True
        unique_together = ["group", "permission", "object_pk"]


class GroupObjectPermission(GroupObjectPermissionBase):
    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
