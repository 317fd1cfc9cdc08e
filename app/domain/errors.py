"""Errors the domain raises when input breaks its rules."""

from __future__ import annotations


class DomainError(ValueError):
    """Input that breaks a domain rule; the message is meant for a person."""


class BankError(DomainError):
    """A question bank that cannot be used, naming the question and the field."""

    def __init__(self, question_id: str, field: str, message: str) -> None:
        self.question_id = question_id
        self.field = field
        self.detail = message
        super().__init__(f"question {question_id!r}, {field}: {message}")


class AnswerError(DomainError):
    """An answer value that its question's type does not accept."""

    def __init__(self, question_id: str, value: object, message: str) -> None:
        self.question_id = question_id
        self.value = value
        self.detail = message
        super().__init__(f"question {question_id!r}: {message}")
