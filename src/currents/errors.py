"""Errors shared by several stages."""


class Unreadable(ValueError):
    """An input (or one record of it) cannot be read; the message says why, in a user's words."""
