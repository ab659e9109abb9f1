"""Helpers for sending Celery tasks from services."""

import logging
import threading
from functools import partial

from celery import Task
from django.conf import settings
from django.db import connections, transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args, **kwargs) -> None:
    """Send ``task`` once the current transaction commits (immediately if there is none).

    A worker must never pick up a task for a row it cannot see yet, and a rolled-back
    request must not leave a task behind.
    """
    transaction.on_commit(partial(task.apply_async, args=args, kwargs=kwargs))


def start_on_commit(task: Task, *args, **kwargs) -> None:
    """Like :func:`enqueue_on_commit`, for long tasks the caller must not wait for.

    With a broker this is the same. In the embedded mode (no broker, tasks run eagerly)
    ``apply_async`` would run the task inside the request, which then hangs for the whole
    import and the page never sees it move; here it runs on a thread of the web process
    instead, once the commit has made its rows visible to the thread's own connection.
    ``BACKGROUND_EAGER_TASKS = False`` (the test suite's default) keeps it in-line.
    """
    if task.app.conf.task_always_eager and getattr(settings, "BACKGROUND_EAGER_TASKS", False):
        transaction.on_commit(partial(run_in_thread, task, *args, **kwargs))
    else:
        enqueue_on_commit(task, *args, **kwargs)


def run_in_thread(task: Task, *args, **kwargs) -> threading.Thread:
    """Run ``task`` eagerly on a new thread; its database connection is closed at the end."""

    def run() -> None:
        try:
            task.apply(args=args, kwargs=kwargs, throw=True)
        except Exception:
            logger.exception("background task %s%r failed", task.name, args)
        finally:
            connections.close_all()  # this thread's connections only; Django's are per thread

    # Not a daemon: a server shutting down waits for the import rather than cutting it off.
    thread = threading.Thread(target=run, name=f"background-{task.name}", daemon=False)
    thread.start()
    return thread
