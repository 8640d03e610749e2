"""Notification: e-mail through an outbox (reminders, digests, password resets) and calendar
feeds."""
