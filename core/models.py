"""Shared abstract models."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds created/updated timestamps; every domain model wants to know when it changed."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True


class DataVersion(models.Model):
    """A counter bumped by every change to what the cached pages and API answers show.

    The version of "what is shown" is the sum of all counters (``core.versions``): one row
    per contract, provider or process (or other key) rather than one global row, so two
    transactions changing different contracts never wait on each other's lock, while each
    bump still commits (or rolls back) with the change it announces.
    """

    name = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"
