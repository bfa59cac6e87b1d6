"""Signals accounts sends so that other apps (trust levels in moderation) react without being imported here."""

from django.dispatch import Signal

# kwargs: user_id
email_verified = Signal()

# What readers see of a person changed (byline, bio, avatar, or the account was deleted): kwargs user_id.
# Sent after commit; public pages and feeds listen (their caches name bylines).
public_profile_changed = Signal()
