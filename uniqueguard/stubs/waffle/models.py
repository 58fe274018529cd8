from django.db import models


class BaseModel(models.Model):
    class Meta:
        abstract = True


class AbstractBaseFlag(BaseModel):
    name = models.CharField(max_length=100, unique=True)
    everyone = models.BooleanField(null=True, blank=True)

    class Meta:
        abstract = True


class Flag(AbstractBaseFlag):
    pass


class AbstractBaseSwitch(BaseModel):
    name = models.CharField(max_length=100, unique=True)
    active = models.BooleanField(default=False)

    class Meta:
        abstract = True


class Switch(AbstractBaseSwitch):
    pass


class AbstractBaseSample(BaseModel):
    name = models.CharField(max_length=100, unique=True)
    percent = models.DecimalField(max_digits=4, decimal_places=1)

    class Meta:
        abstract = True


class Sample(AbstractBaseSample):
    pass
