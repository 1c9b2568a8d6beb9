"""Errors that services raise and both the HTML views and the API translate for people."""


class Conflict(Exception):
    """The record changed since the caller read it (a stale version): reload and try again. HTTP 409."""

    def __init__(self, message: str = "This record was changed by someone else. Reload it and try again."):
        super().__init__(message)
        self.message = message
