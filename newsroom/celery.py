"""The Celery app. Configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery, shared_task
from django.db import DatabaseError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The policy of every task in this project: acknowledged only after it ran (a killed worker's message is
# redelivered), transient database/broker errors retried with exponential backoff (at most ~4 min in all, far
# below the broker's visibility timeout). Tasks take ids and are idempotent, so a redelivery is harmless.
_TRANSIENT = (DatabaseError, ConnectionError)
reliable_task = shared_task(
    acks_late=True,
    autoretry_for=_TRANSIENT,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=8,
)
