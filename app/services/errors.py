"""Errors a service raises for a person to read: bad input (exit 2) versus not found."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input from a person or a file. `where` names file, sheet, row, column or a JSON path."""

    def __init__(self, message: str, where: str = "") -> None:
        self.where = where
        self.detail = message
        super().__init__(f"{where}: {message}" if where else message)


class NotFound(InputError):
    pass
