"""Weak results over time: flagging units from indicator data, closer follow-up and selection."""
