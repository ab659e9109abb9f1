"""Celery tasks of the slas app; a task only calls a service."""
