"""Signals accounts sends so that other apps (trust levels in moderation) react without being imported here."""

from django.dispatch import Signal

# kwargs: user_id
email_verified = Signal()
