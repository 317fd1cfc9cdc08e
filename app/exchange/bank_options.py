"""The choices a bank import offers, as one value (kept apart from bank_files so that the
services, the command line and the wizard can name it without loading the spreadsheet readers)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BankImportOptions:
    """How to read a bank file: the choices `bank import` and the import wizard offer.

    One value is passed from the command line or the wizard through the services down to here,
    so a new choice is added in one place. The defaults let the file decide everything.
    """

    sheets: tuple[str, ...] = ()  # the sheets to import, in order; () picks the sheet holding the questions
    header_row: int | None = None  # 1-based; None finds it
    mapping: tuple[str, ...] = ()  # FIELD=COLUMN items (`--map`)
    default_type: str | None = None  # for rows without a type (`--default-type`)
    default_weight: float | None = None  # for rows without a weight (`--default-weight`)
    type_map: tuple[str, ...] = ()  # VALUE=TYPE items for the type column (`--type-map`)
    points: tuple[str, ...] = ()  # ANSWER=POINTS items for the answers a list offers (`--points`)
    section_from: str | None = None  # "sheet" or "id-prefix" instead of the file's own sections

    def value_map(self) -> tuple[str, ...]:
        """The type map and the points as one list, which `parse_type_map` tells apart."""
        return self.type_map + self.points


DEFAULT_IMPORT = BankImportOptions()  # nothing chosen: the file decides
