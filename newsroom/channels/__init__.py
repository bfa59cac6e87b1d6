"""Delivery of published news to outside channels (Telegram, signed webhooks) through an outbox. See
docs/channels.md."""
