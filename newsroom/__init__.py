"""Newsroom: the Django project package (settings, URLs, Celery app) and its nested apps."""

from newsroom.celery import app as celery_app

__all__ = ["celery_app"]
