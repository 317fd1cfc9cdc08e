"""File menu actions for spreadsheets: the bank import wizard, vendor questionnaires out and in, drops."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.services import team
from app.services.changes import Changes
from app.services.errors import InputError
from app.store.workspace import WorkspaceError
from app.ui.save_dialog import ask_save_path
from app.ui.widgets.allowed import allow_all

if TYPE_CHECKING:
    from app.services import spreadsheets as sheets
    from app.ui.context import AppContext
    from app.ui.main_window import MainWindow

FIELD_LABELS = {
    "id": "Id",
    "section": "Section",
    "layer": "Layer",
    "question": "Question",
    "type": "Answer type",
    "weight": "Weight",
    "guidance": "Guidance",
    "options": "Options",
    "scoring": "Scoring rule",
    "knockout_min": "Knockout minimum",
    "flag_rule": "Flag rule",
    "allow_na": "Allow n/a",
}
PREVIEW_ROWS = 30
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


def report(
    parent: QWidget, title: str, text: str, error: bool = False, details: str = ""
) -> QMessageBox:
    """A window-modal message that does not block the event loop (so tests can read it)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    parent.setProperty("last_report", text)
    return box


# ----- the bank import wizard ----------------------------------------------------------------


class _FilePage(QWizardPage):
    """Pick the file and the sheets, look at the first rows, pick the header row."""

    def __init__(self, wizard: BankImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Choose the spreadsheet"))
        self.setSubTitle(
            self.tr("A question bank in our format, or any questionnaire: Excel (.xlsx), OpenDocument (.ods), CSV or JSON.")
        )
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName(self.tr("File"))
        self.path_edit.setReadOnly(True)
        browse = QPushButton(self.tr("Browse…"))
        browse.setAccessibleName(self.tr("Choose a file"))
        browse.clicked.connect(self._browse)
        self.sheet_list = QListWidget()
        self.sheet_list.setObjectName("sheets")
        self.sheet_list.setAccessibleName(self.tr("Sheets to import"))
        self.sheet_list.setToolTip(self.tr("Tick every sheet that holds questions; click a sheet to see its first rows."))
        # Fusion draws an empty check box almost invisibly on a dark palette: outline it (palette colours).
        self.sheet_list.setStyleSheet(
            "QListWidget#sheets::indicator:unchecked { border: 1px solid palette(mid); background: palette(base);"
            " width: 11px; height: 11px; border-radius: 2px; }")
        self.sheet_list.itemChanged.connect(self._sheet_ticked)
        self.sheet_list.currentItemChanged.connect(self._sheet_shown)
        self.header_spin = QSpinBox()
        self.header_spin.setAccessibleName(self.tr("Header row"))
        self.header_spin.setRange(1, 1)
        self.header_spin.valueChanged.connect(self._header_changed)
        self.detected = QLabel()
        self.detected.setObjectName("detectedHeader")
        self.detected.setWordWrap(True)
        self.table = QTableWidget()
        self.table.setAccessibleName(self.tr("First rows of the sheet"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.cellClicked.connect(lambda row, _col: self.header_spin.setValue(row + 1))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("File:")))
        top.addWidget(self.path_edit, 1)
        top.addWidget(browse)
        left = QVBoxLayout()
        left.addWidget(QLabel(self.tr("Sheets to import:")))
        left.addWidget(self.sheet_list, 1)
        sheets_hint = QLabel(self.tr("Tick each sheet that holds questions; each keeps its own sections."))
        sheets_hint.setWordWrap(True)
        sheets_hint.setEnabled(False)  # palette's disabled text: a quiet hint in light and dark modes
        left.addWidget(sheets_hint)
        self.left = QWidget()
        self.left.setLayout(left)
        self.left.setMaximumWidth(280)
        hrow = QHBoxLayout()
        hrow.addWidget(QLabel(self.tr("Header row:")))
        hrow.addWidget(self.header_spin)
        hrow.addWidget(self.detected, 1)
        right = QVBoxLayout()
        right.addLayout(hrow)
        hint = QLabel(self.tr("Click a row to make it the header row."))
        hint.setEnabled(False)
        right.addWidget(hint)
        right.addWidget(self.table, 1)
        body = QHBoxLayout()
        body.addWidget(self.left)
        body.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        self._loading = False

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import question bank"),
            str(self.w.path.parent) if self.w.path else "",
            self.tr("Questionnaires (*.xlsx *.xlsm *.ods *.csv *.tsv *.txt *.json);;All files (*)"),
        )
        if path:
            self.w.set_file(Path(path))

    def ticked(self) -> list[str]:
        return [str(it.data(Qt.ItemDataRole.UserRole)) for i in range(self.sheet_list.count())
                if (it := self.sheet_list.item(i)).checkState() == Qt.CheckState.Checked]

    def _sheet_ticked(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        self.w.sheets = self.ticked()
        if item.checkState() == Qt.CheckState.Checked:
            self.w.shown = str(item.data(Qt.ItemDataRole.UserRole))
        self.w.header_row = None
        self.w.reset_mapping()
        self.w.refresh()

    def _sheet_shown(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if self._loading or current is None:
            return
        name = str(current.data(Qt.ItemDataRole.UserRole))
        if name != self.w.shown:
            self.w.shown = name
            self.w.refresh()

    def _header_changed(self, value: int) -> None:
        if self._loading:
            return
        self.w.header_row = value
        self.w.reset_mapping()
        self.w.refresh()

    def show_preview(self) -> None:
        pv = self.w.preview
        self._loading = True
        try:
            self.path_edit.setText(str(self.w.path or ""))
            self.sheet_list.clear()
            if pv is not None and pv.sheets:
                rows_found = dict(self.w.candidates)
                imported = dict(pv.by_sheet)
                ticked = set(self.w.sheets)
                for name in pv.sheets:
                    label = name + (self.tr(" (hidden)") if name in pv.hidden_sheets else "")
                    if name in imported:
                        label += " — " + self.tr("%n question(s)", "", imported[name])
                    elif name in rows_found:
                        label += " — " + self.tr("%n question row(s)", "", rows_found[name])
                    entry = QListWidgetItem(label)
                    entry.setData(Qt.ItemDataRole.UserRole, name)
                    entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    entry.setCheckState(Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked)
                    entry.setToolTip(label)
                    self.sheet_list.addItem(entry)
                    if name == pv.sheet:
                        self.sheet_list.setCurrentItem(entry)
            self.left.setVisible(bool(pv and pv.sheets))
            rows = pv.rows[:PREVIEW_ROWS] if pv else []
            width = max((len(r) for r in rows), default=0)
            self.table.clear()
            self.table.setRowCount(len(rows))
            self.table.setColumnCount(width)
            from app.exchange.spreadsheet_safety import column_letter

            self.table.setHorizontalHeaderLabels([column_letter(i + 1) for i in range(width)])
            bold = self.table.font()
            bold.setBold(True)
            header = (pv.header_row or 0) if pv else 0
            for r, values in enumerate(rows):
                for c, v in enumerate(values):
                    item = QTableWidgetItem(v.replace("\n", " ⏎ ")[:200])
                    item.setToolTip(v[:1000])
                    if r + 1 == header:
                        item.setFont(bold)
                    self.table.setItem(r, c, item)
            self.table.resizeColumnsToContents()
            for c in range(width):
                self.table.setColumnWidth(c, min(self.table.columnWidth(c), 280))
            if pv is not None:
                self.header_spin.setRange(1, max(pv.total_rows, 1))
                self.header_spin.setValue(pv.header_row or 1)
                if header:
                    self.table.selectRow(header - 1)
                det = pv.detected_header_row
                self.detected.setText(
                    self.tr("Several sheets hold questions: tick the ones to import.")
                    if self.choosing()
                    else self.tr("detected: row %1").replace("%1", str(det))
                    if det
                    else self.tr("no header detected")
                )
        finally:
            self._loading = False
        self.completeChanged.emit()

    def choosing(self) -> bool:
        pv = self.w.preview
        return pv is not None and bool(pv.candidates) and not self.w.sheets

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.w.preview is not None and self.w.file_error is None and not self.choosing()


# Answer types in words, as the wizard offers them (the bank stores the codes).
TYPE_CHOICES: tuple[tuple[str, str], ...] = (
    ("yes_no", "Yes / no"),
    ("yes_no+na", "Yes / no, n/a allowed"),
    ("scale", "Scale 0–5"),
    ("scale+na", "Scale 0–5, n/a allowed"),
    ("number", "Number"),
    ("choice", "Choice from a list"),
    ("text", "Free text"),
)
SECTION_CHOICES: tuple[tuple[str | None, str], ...] = (
    (None, "What the file says (a section column, or section rows)"),
    ("sheet", "The sheet's name"),
    ("id-prefix", "The start of the question id (A&A-01.1 → A&A)"),
)


def _type_combo(parent: QWidget) -> QComboBox:
    combo = QComboBox(parent)
    for code, words in TYPE_CHOICES:
        combo.addItem(QCoreApplication.translate("AnswerType", words), code)
    return combo


class _MappingPage(QWizardPage):
    """Map columns to bank fields, say where sections come from, and see what would come in."""

    def __init__(self, wizard: BankImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Match columns to question fields"))
        self.setSubTitle(
            self.tr("Only the question text is required; the rest has sensible defaults.")
        )
        form = QFormLayout()
        from app.domain.bank import FIELDS

        self.combos: dict[str, QComboBox] = {}
        for f in FIELDS:
            combo = QComboBox()
            combo.setObjectName(f"map-{f}")
            combo.setAccessibleName(self.tr("Column for %1").replace("%1", FIELD_LABELS[f]))
            combo.activated.connect(self._mapping_changed)
            self.combos[f] = combo
            form.addRow(self.tr(FIELD_LABELS[f]) + ":", combo)
        self.section_combo = QComboBox()
        self.section_combo.setObjectName("sectionFrom")
        self.section_combo.setAccessibleName(self.tr("Where sections come from"))
        for code, words in SECTION_CHOICES:
            self.section_combo.addItem(QCoreApplication.translate("SectionFrom", words), code)
        self.section_combo.activated.connect(self._defaults_changed)
        form.addRow(self.tr("Sections from:"), self.section_combo)
        self.type_combo = _type_combo(self)
        self.type_combo.setAccessibleName(self.tr("Answer type when there is no type column"))
        self.type_combo.activated.connect(self._defaults_changed)
        self.weight_spin = QDoubleSpinBox()
        self.weight_spin.setAccessibleName(self.tr("Weight when a row has none"))
        self.weight_spin.setRange(0, 1000)
        self.weight_spin.setDecimals(2)
        self.weight_spin.setValue(1)
        self.weight_spin.valueChanged.connect(self._defaults_changed)
        form.addRow(self.tr("Default answer type:"), self.type_combo)
        form.addRow(self.tr("Default weight:"), self.weight_spin)
        self.count = QLabel()
        self.count.setObjectName("questionsCount")
        font = self.count.font()
        font.setBold(True)
        self.count.setFont(font)
        self.problems = QListWidget()
        self.problems.setObjectName("problems")
        self.problems.setAccessibleName(self.tr("Warnings and errors"))
        self.problems.setWordWrap(True)
        self.type_values = QTableWidget(0, 2)
        self.type_values.setObjectName("typeValues")
        self.type_values.setAccessibleName(self.tr("What the type column's values mean"))
        self.type_values.setHorizontalHeaderLabels([self.tr("Value in the file"), self.tr("Answer type")])
        self.type_values.horizontalHeader().setStretchLastSection(True)
        self.type_values.verticalHeader().setVisible(False)
        self.type_values.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.type_values_label = QLabel(self.tr("Values of the type column: choose what each one means."))
        self.type_values_label.setWordWrap(True)
        layout = QHBoxLayout(self)
        left = QWidget()
        left.setLayout(form)
        layout.addWidget(left)
        self.breakdown = QLabel()
        self.breakdown.setObjectName("breakdown")
        self.breakdown.setWordWrap(True)
        self.breakdown.setTextFormat(Qt.TextFormat.PlainText)
        right = QVBoxLayout()
        right.addWidget(self.count)
        right.addWidget(self.breakdown)
        right.addWidget(self.type_values_label)
        right.addWidget(self.type_values)
        right.addWidget(self.problems, 1)
        layout.addLayout(right, 1)
        self._loading = False

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.show_preview()

    def nextId(self) -> int:  # noqa: N802 - Qt override
        pv = self.w.preview
        return self.w.points_id if pv is not None and pv.answer_points else self.w.name_id

    def _mapping_changed(self, *_args: object) -> None:
        if self._loading:
            return
        from app.exchange.spreadsheet_safety import column_letter

        mapping = []
        for f, combo in self.combos.items():
            col = combo.currentData()
            # "field=" keeps a field out even when a column's header would have matched it.
            mapping.append(f"{f}={column_letter(int(col) + 1)}" if col is not None else f"{f}=")
        self.w.mapping = mapping
        self.w.refresh()

    def _type_value_chosen(self, value: str, combo: QComboBox) -> None:
        if self._loading:
            return
        code = combo.currentData()
        if code:
            self.w.type_values[value] = str(code)
        else:
            self.w.type_values.pop(value, None)
        self.w.refresh()

    def _defaults_changed(self, *_args: object) -> None:
        if self._loading:
            return
        self.w.default_type = str(self.type_combo.currentData())
        self.w.default_weight = float(self.weight_spin.value())
        self.w.section_from = self.section_combo.currentData()
        self.w.refresh()

    def show_preview(self) -> None:
        pv = self.w.preview
        self._loading = True
        try:
            for f, combo in self.combos.items():
                combo.clear()
                combo.addItem(self.tr("(not imported)"), None)
                for i, label in enumerate(pv.columns if pv else []):
                    combo.addItem(label, i)
                col = pv.mapping.get(f) if pv else None
                combo.setCurrentIndex(combo.findData(col) if col is not None else 0)
            self.type_combo.setCurrentIndex(
                max(self.type_combo.findData(self.w.default_type or "scale"), 0)
            )
            self.section_combo.setCurrentIndex(max(self.section_combo.findData(self.w.section_from), 0))
            self.type_combo.setEnabled(not (pv and pv.our_format))
            self.weight_spin.setEnabled(not (pv and pv.our_format))
            self.section_combo.setEnabled(not (pv and pv.our_format))
            # Values keep their rows while the user maps them (a mapped value is no longer unknown).
            order = self.w.type_value_order
            order.extend(v for v in [*(pv.unknown_types if pv else []), *self.w.type_values] if v not in order)
            values = [v for v in order if v in self.w.type_values or (pv and v in pv.unknown_types)]
            self.type_values.setRowCount(len(values))
            for r, value in enumerate(values):
                self.type_values.setItem(r, 0, QTableWidgetItem(value))
                combo = _type_combo(self.type_values)
                combo.insertItem(0, self.tr("(choose)"), None)
                combo.setAccessibleName(self.tr("Answer type for %1").replace("%1", value))
                combo.setCurrentIndex(max(combo.findData(self.w.type_values.get(value)), 0))
                combo.activated.connect(lambda _i, v=value, c=combo: self._type_value_chosen(v, c))
                self.type_values.setCellWidget(r, 1, combo)
            self.type_values.resizeColumnToContents(0)
            self.type_values.setMaximumHeight(40 + 30 * min(len(values), 4))
            self.type_values.setVisible(bool(values))
            self.type_values_label.setVisible(bool(values))
        finally:
            self._loading = False
        self.problems.clear()
        if pv is None:
            self.count.setText(self.w.file_error or "")
        else:
            n = pv.questions_count
            if pv.errors:
                self.count.setText(
                    self.tr("%n question(s) read", "", n)
                    + self.tr("; ")
                    + self.tr("fix the %n error(s) below to import", "", len(pv.errors))
                )
            else:
                self.count.setText(self.tr("%n question(s) will be imported", "", n))
            self.breakdown.setText(self.breakdown_text(pv))
            error_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical)
            warn_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            for e in pv.errors:
                self.problems.addItem(QListWidgetItem(error_icon, e))
            for w in pv.warnings:
                self.problems.addItem(QListWidgetItem(warn_icon, w))
        self.completeChanged.emit()

    def breakdown_text(self, pv: sheets.Preview) -> str:
        """What would come in, before anything is written: sheets, sections, types, section rows, fill-down."""
        if not pv.questions_count:
            return ""
        lines = []
        if pv.by_sheet:
            lines.append(self.tr("%n sheet(s): ", "", len(pv.by_sheet)) + ", ".join(f"{name} ({n})" for name, n in pv.by_sheet))
        lines.append(self.tr("%n section(s): ", "", len(pv.by_section))
                     + ", ".join(f"{name} ({n})" for name, n in pv.by_section[:12])
                     + (" …" if len(pv.by_section) > 12 else ""))
        lines.append(self.tr("Types: ") + ", ".join(f"{t} ({n})" for t, n in pv.by_type))
        if pv.section_rows and pv.by_sheet:
            lines.append(self.tr("%n section row(s) found inside the tables", "", len(pv.section_rows)))
        elif pv.section_rows:
            lines.append(self.tr("%n section row(s) found inside the table (rows %1)", "", len(pv.section_rows)).replace(
                "%1", ", ".join(str(r) for r, _ in pv.section_rows[:10]) + (" …" if len(pv.section_rows) > 10 else "")))
        if pv.filled_down:
            lines.append(self.tr("%n question(s) take the section from a cell above them", "", pv.filled_down))
        return "\n".join(lines)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.w.preview is not None and self.w.preview.ok


class _PointsPage(QWizardPage):
    """The points each answer offered by a list is worth: shown, with the guesses marked, for the analyst to confirm."""

    def __init__(self, wizard: BankImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("What each answer is worth"))
        self.setSubTitle(self.tr(
            "Some questions offer a list of answers. Yes, No and N/A are read by their meaning; "
            "check the others, from 0 (worst) to 5 (best), or n/a when the answer should not count."))
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("answerPoints")
        self.table.setAccessibleName(self.tr("Points for each answer"))
        self.table.setHorizontalHeaderLabels([self.tr("Answer"), self.tr("Points"), self.tr("Questions")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.note = QLabel()
        self.note.setObjectName("pointsNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.spins: dict[str, QDoubleSpinBox] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._apply)

    def nextId(self) -> int:  # noqa: N802 - Qt override
        return self.w.name_id

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        pv = self.w.preview
        answers = pv.answer_points if pv else []
        self.table.setRowCount(len(answers))
        self.spins.clear()
        warn_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        guesses = 0
        for r, (label, points, guessed, n) in enumerate(answers):
            item = QTableWidgetItem(label)
            if guessed:
                guesses += 1
                item.setIcon(warn_icon)
                item.setToolTip(self.tr("A guess, from the answer's place in its list: check it."))
            self.table.setItem(r, 0, item)
            spin = QDoubleSpinBox(self.table)
            spin.setRange(-0.5, 5)
            spin.setSingleStep(0.5)
            spin.setDecimals(2)
            spin.setSpecialValueText(self.tr("n/a"))  # shown at the minimum: the answer does not count
            spin.setAccessibleName(self.tr("Points for %1").replace("%1", label))
            spin.setValue(-0.5 if points is None else points)
            spin.valueChanged.connect(lambda _v: self._timer.start())
            self.spins[label] = spin
            self.table.setCellWidget(r, 1, spin)
            count = QTableWidgetItem(str(n))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 2, count)
        self.table.resizeColumnToContents(1)
        self.table.resizeColumnToContents(2)
        self.note.setText(
            self.tr("%n answer(s) marked with a warning are a guess from their place in the list: check them.", "", guesses)
            if guesses else self.tr("Every answer's points come from its meaning or from you.")
        )

    def points(self) -> dict[str, str]:
        from app.domain.wording import num

        return {label: ("n/a" if spin.value() < 0 else num(spin.value())) for label, spin in self.spins.items()}

    def _apply(self) -> None:
        self.w.points = self.points()
        self.w.refresh()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        # What the analyst saw is what is imported: every shown answer's points are confirmed.
        self._timer.stop()
        self.w.points = self.points()
        self.w.refresh()
        return self.w.preview is not None and self.w.preview.ok


class _NamePage(QWizardPage):
    """Name the bank (an existing name makes a new version of it) and import."""

    def __init__(self, wizard: BankImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Name the bank"))
        self.setSubTitle(
            self.tr("Use an existing bank's name to save the file as that bank's next version.")
        )
        self.name_combo = QComboBox()
        self.name_combo.setEditable(True)
        self.name_combo.setAccessibleName(self.tr("Bank name"))
        self.name_combo.editTextChanged.connect(lambda _t: self.completeChanged.emit())
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("Bank name:"), self.name_combo)
        form.addRow(self.summary)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Import"))

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        from app.services import banks  # SQLAlchemy loads when needed, not at start-up

        self.name_combo.clear()
        try:
            names = [b.name for b in banks.list_banks(self.w.ctx.workspace)]
        except (InputError, WorkspaceError):
            names = []
        self.name_combo.addItems(names)
        default = self.w.path.stem.replace("_", " ").strip() if self.w.path else ""
        self.name_combo.setEditText(default)
        pv = self.w.preview
        n = pv.questions_count if pv else 0
        text = self.tr("%n question(s) from %1.", "", n).replace("%1", self.w.path.name if self.w.path else "")
        if pv is not None and pv.by_sheet:
            text += " " + self.tr("Sheets: %1.").replace("%1", ", ".join(f"{s} ({k})" for s, k in pv.by_sheet))
        self.summary.setText(text)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.name_combo.currentText().strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        return self.w.do_import(self.name_combo.currentText().strip())


class BankImportWizard(QWizard):
    """Pick file and sheets, preview, pick the header row, map columns, check answer points, name the bank, import."""

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, path: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("bankImportWizard")
        self.setWindowTitle(self.tr("Import question bank"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.path: Path | None = None
        self.sheets: list[str] = []  # the sheets to import; [] lets the file decide
        self.shown: str | None = None  # the sheet whose first rows are shown
        self.candidates: list[tuple[str, int]] = []  # sheets holding questions, as first found
        self.header_row: int | None = None
        self.mapping: list[str] = []
        self.type_values: dict[str, str] = {}  # a value of the type column → answer type code
        self.type_value_order: list[str] = []  # the values in the order the table shows them
        self.points: dict[str, str] = {}  # an offered answer → its points ("2.5", "n/a")
        self.default_type: str | None = None
        self.default_weight: float | None = None
        self.section_from: str | None = None
        self.preview: sheets.Preview | None = None
        self.file_error: str | None = None
        self.summary: sheets.BankImportSummary | None = None
        self.file_page = _FilePage(self)
        self.mapping_page = _MappingPage(self)
        self.points_page = _PointsPage(self)
        self.name_page = _NamePage(self)
        self.addPage(self.file_page)
        self.addPage(self.mapping_page)
        self.points_id = self.addPage(self.points_page)
        self.name_id = self.addPage(self.name_page)
        self.resize(980, 640)
        if path is not None:
            self.set_file(path)

    def set_file(self, path: Path) -> None:
        self.path = Path(path)
        self.sheets, self.shown, self.candidates = [], None, []
        self.type_values, self.points, self.type_value_order = {}, {}, []
        self.header_row = None
        self.section_from = None
        self.reset_mapping()
        self.refresh()
        if self.preview is not None:
            self.candidates = list(self.preview.candidates)
            if not self.candidates and self.preview.sheet:
                self.sheets = [self.preview.sheet]  # the sheet the file's questions are on, ticked
            self.file_page.show_preview()

    def reset_mapping(self) -> None:
        # Until the user changes a combo, the file's own header decides (keeps our format lossless).
        self.mapping = []

    def import_options(self) -> sheets.BankImportOptions:
        """The choices made so far, as the import reads them (type values VALUE=type, points ANSWER=points)."""
        # On use, here and below: the spreadsheet service and the bank model stay out of start-up.
        from app.services import spreadsheets as sheets

        return sheets.BankImportOptions(
            sheets=tuple(self.sheets),
            header_row=self.header_row,
            mapping=tuple(self.mapping),
            default_type=self.default_type,
            default_weight=self.default_weight,
            type_map=tuple(f"{v}={t}" for v, t in self.type_values.items()),
            points=tuple(f"{a}={p}" for a, p in self.points.items()),
            section_from=self.section_from,
        )

    def refresh(self) -> None:
        from app.services import spreadsheets as sheets

        if self.path is None:
            return
        try:
            self.preview = sheets.preview_bank_file(self.path, self.import_options(), shown=self.shown)
            self.file_error = None
        except InputError as exc:
            self.preview = None
            self.file_error = sheets.for_screen(str(exc))
        self.file_page.show_preview()
        if self.file_error:
            self.file_page.detected.setText(self.file_error)
        if self.currentPage() is self.mapping_page:
            self.mapping_page.show_preview()

    def do_import(self, name: str) -> bool:
        from app.services import spreadsheets as sheets

        assert self.path is not None
        try:
            self.summary = sheets.import_bank_file(self.ctx.workspace, self.path, name=name, options=self.import_options())
        except (InputError, WorkspaceError) as exc:
            report(self, self.tr("Import question bank"), sheets.for_screen(str(exc)), error=True)
            return False
        self.ctx.announce(Changes(banks=True))
        self.ctx.say(self.summary.message)
        return True


def open_bank_import_wizard(
    parent: QWidget, ctx: AppContext, path: Path | None = None
) -> BankImportWizard:
    """Open the wizard (window-modal, without blocking); the Question banks page calls this too."""
    wizard = BankImportWizard(ctx, parent, path)
    wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    wizard.open()
    return wizard


# ----- questionnaires ------------------------------------------------------------------------


class ExportQuestionnaireDialog(QDialog):
    """Pick an evaluation and a vendor, then save the workbook the vendor fills in."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Export questionnaire for vendor"))
        self.evaluation = QComboBox()
        self.evaluation.setAccessibleName(self.tr("Evaluation"))
        self.vendor = QComboBox()
        self.vendor.setAccessibleName(self.tr("Vendor"))
        self.note = QLabel(
            self.tr(
                "The vendor answers in Excel; import the returned file with File ▸ Import filled questionnaire, or drop it on the window."
            )
        )
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton(
            self.tr("Save questionnaire…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Evaluation:"), self.evaluation)
        form.addRow(self.tr("Vendor:"), self.vendor)
        form.addRow(self.note)
        form.addRow(buttons)
        from app.services import evaluations  # SQLAlchemy loads when needed, not at start-up

        for e in evaluations.list_evaluations(ctx.workspace):
            self.evaluation.addItem(e.name, e.id)
        if ctx.current_evaluation is not None:
            self.evaluation.setCurrentIndex(
                max(self.evaluation.findData(ctx.current_evaluation), 0)
            )
        self.evaluation.currentIndexChanged.connect(self._load_vendors)
        self._load_vendors()
        self.resize(520, 180)

    def _load_vendors(self, *_args: object) -> None:
        from app.services import live

        self.vendor.clear()
        ev = self.evaluation.currentData()
        if ev is not None:
            # Names only: loading the whole evaluation (every answer) stalled the dialog.
            for name in live.vendor_names(self.ctx.workspace, int(ev)):
                self.vendor.addItem(name)
        self.save_button.setEnabled(self.vendor.count() > 0)

    def _save(self) -> None:
        default = f"{self.vendor.currentText()} — {self.evaluation.currentText()}.xlsx".replace(
            "/", "-"
        )
        path = ask_save_path(self, self.tr("Save questionnaire"), default, self.tr("Excel workbook (*.xlsx)"), ".xlsx")
        if path is not None and self.export_to(path):
            self.accept()

    def export_to(self, path: Path) -> bool:
        from app.services import spreadsheets as sheets

        ev = self.evaluation.currentData()
        try:
            sheets.export_questionnaire(
                self.ctx.workspace, int(ev), self.vendor.currentText(), path
            )
        except (InputError, WorkspaceError, OSError) as exc:
            report(self, self.windowTitle(), str(exc), error=True)
            return False
        self.ctx.say(self.tr("Wrote %1").replace("%1", str(path)))
        return True


def import_filled_questionnaire(
    window: QWidget, ctx: AppContext, path: Path
) -> sheets.AnswersImportSummary | None:
    """Import a returned questionnaire into the evaluation it was made for; report the outcome."""
    from app.services import spreadsheets as sheets

    title = window.tr("Import filled questionnaire")
    try:
        target = sheets.questionnaire_target(path)
        if target is None:
            report(
                window,
                title,
                f"{Path(path).name}: this workbook is not a Diligence questionnaire. "
                "To import it as a question bank use File ▸ Import question bank…",
                error=True,
            )
            return None
        summary = sheets.import_answers(ctx.workspace, path, target[0])
    except (InputError, WorkspaceError) as exc:
        report(window, title, str(exc), error=True)
        return None
    from app.services import evaluations

    try:
        ev_id = evaluations.evaluation_id(ctx.workspace, summary.evaluation)
        ctx.announce(Changes(evaluation=ev_id, answers=True, vendors=True, evaluators=True))
    except InputError:
        ctx.announce(Changes(evaluations=True))
    ctx.say(str(summary))
    report(window, title, str(summary), details="\n".join(summary.warnings))
    return summary


class _DropFilter(QObject):
    """Accepts .xlsx (and .csv) files dropped anywhere on the main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    @staticmethod
    def _paths(event: QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [
            Path(u.toLocalFile())
            for u in mime.urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(SPREADSHEET_SUFFIXES)
        ]

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if obj is not self.window:
            return False
        # QDragMoveEvent is a QDropEvent (and QDragEnterEvent a QDragMoveEvent).
        if isinstance(event, QDropEvent) and event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._paths(event) and self.window.ctx.can(team.MANAGE):
                event.acceptProposedAction()
                return True
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            paths = self._paths(event)
            if paths:
                event.acceptProposedAction()
                # Handle after the drop returns so the drag source is not kept waiting on dialogs.
                QTimer.singleShot(0, lambda: handle_dropped_files(self.window, paths))
                return True
        return False


def handle_dropped_files(window: MainWindow, paths: list[Path]) -> None:
    """Filled questionnaires are imported; any other spreadsheet opens the bank import wizard."""
    from app.services import spreadsheets as sheets

    for path in paths:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            try:
                target = sheets.questionnaire_target(path)
            except InputError as exc:
                report(window, "Import", str(exc), error=True)
                continue
            if target is not None:
                import_filled_questionnaire(window, window.ctx, path)
                continue
        open_bank_import_wizard(window, window.ctx, path)
        return  # one wizard at a time


def install(window: MainWindow) -> None:
    menu = window.file_menu
    menu.addSeparator()
    imp = QAction(window.tr("Import question &bank…"), window)
    imp.setObjectName("action-import-bank")
    imp.triggered.connect(lambda: open_bank_import_wizard(window, window.ctx))
    exp = QAction(window.tr("Export &questionnaire for vendor…"), window)
    exp.setObjectName("action-export-questionnaire")
    exp.triggered.connect(lambda: _open_export_dialog(window))
    filled = QAction(window.tr("Import &filled questionnaire…"), window)
    filled.setObjectName("action-import-answers")
    filled.triggered.connect(lambda: _choose_filled(window))
    for action in (imp, exp, filled):
        menu.addAction(action)
    window.questionnaire_actions = (imp, exp, filled)
    window.setAcceptDrops(True)
    window.drop_filter = _DropFilter(window)
    window.installEventFilter(window.drop_filter)

    def update_enabled(*_args: object) -> None:
        allow_all((imp, filled), window.ctx.why_not(team.MANAGE))  # a lead's on a team workspace

    window.ctx.workspace_changed.connect(update_enabled)
    update_enabled()


def _open_export_dialog(window: MainWindow) -> None:
    dialog = ExportQuestionnaireDialog(window.ctx, window)
    if dialog.evaluation.count() == 0:
        report(
            window,
            dialog.windowTitle(),
            window.tr("There is no evaluation yet. Create one on the Evaluate page first."),
        )
        dialog.deleteLater()
        return
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()


def _choose_filled(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window, window.tr("Import filled questionnaire"), "", window.tr("Excel workbook (*.xlsx)")
    )
    if path:
        import_filled_questionnaire(window, window.ctx, Path(path))
