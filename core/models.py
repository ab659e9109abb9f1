"""Shared abstract models."""

from django.db import models


class TimeStampedModel(models.Model):
    """Adds created/updated timestamps; every domain model wants to know when it changed."""

    created_at = models.DateTimeField(auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True, editable=False)

    class Meta:
        abstract = True
