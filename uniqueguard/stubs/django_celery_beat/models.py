from django.db import models


class IntervalSchedule(models.Model):
    every = models.IntegerField()
    period = models.CharField(max_length=24)


class CrontabSchedule(models.Model):
    minute = models.CharField(max_length=240, default="*")
    hour = models.CharField(max_length=96, default="*")


class SolarSchedule(models.Model):
    event = models.CharField(max_length=24)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)

    class Meta:
        unique_together = ("event", "latitude", "longitude")


class ClockedSchedule(models.Model):
    clocked_time = models.DateTimeField()


class PeriodicTask(models.Model):
    name = models.CharField(max_length=200, unique=True)
    task = models.CharField(max_length=200)
    interval = models.ForeignKey(IntervalSchedule, on_delete=models.CASCADE, null=True, blank=True)
    crontab = models.ForeignKey(CrontabSchedule, on_delete=models.CASCADE, null=True, blank=True)
