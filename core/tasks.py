"""Helpers for sending Celery tasks from services."""

from functools import partial

from celery import Task
from django.db import transaction


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Send ``task`` once the current transaction commits (immediately if there is none).

    A worker must never pick up a task for a row it cannot see yet, and a rolled-back
    request must not leave a task behind.
    """
    transaction.on_commit(partial(task.apply_async, args=args, kwargs=kwargs))
