"""Celery tasks of the vendors app; a task only calls a service."""
