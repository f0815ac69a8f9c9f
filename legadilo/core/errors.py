"""The domain error tree: every error a user can cause, typed, mapped once at the edges."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every expected, user-facing error. Its message is one clear line."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class SettingsError(DomainError):
    """A setting from the environment is missing, malformed or points at something unusable."""


class DatabaseUnavailable(DomainError):
    """The database cannot be reached or refuses us."""


class NotFound(DomainError):
    """The object does not exist, or belongs to somebody else."""


class InvalidInput(DomainError):
    """A value given by the user is not acceptable."""


class AlreadyExists(DomainError):
    """A unique object (a user email, a title) is already taken."""


class AuthenticationFailed(DomainError):
    """Wrong credentials, or an account that may not log in."""
