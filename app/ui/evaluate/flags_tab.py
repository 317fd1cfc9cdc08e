"""The red-flags panel: flags by severity with their evidence, and acknowledging one with a rationale."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.domain.evaluation import flag_counts
from app.domain.flags import RedFlag
from app.ui.evaluate.models import FlagsModel
from app.ui.i18n import rule_title
from app.ui.widgets.allowed import allow
from app.ui.widgets.eliding import ElidingComboBox
from app.ui.widgets.tables import ROW_ROLE


class AcknowledgeDialog(QDialog):
    """Asks for the written rationale an acknowledgement needs; OK stays disabled until there is one."""

    def __init__(self, flag: RedFlag, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Acknowledge red flag"))
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{html.escape(flag.vendor)}</b> — {html.escape(flag.severity.value)}")
        layout.addWidget(title)
        message = QLabel(flag.message)
        message.setWordWrap(True)
        layout.addWidget(message)
        explain = QLabel(
            self.tr(
                "The flag stays visible, and in the PDF, marked as acknowledged with your name, "
                "the date and this rationale. Why is it acceptable?"
            )
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.rationale = QPlainTextEdit()
        self.rationale.setAccessibleName(self.tr("Rationale"))
        self.rationale.setPlaceholderText(
            self.tr("e.g. They named two live clients on the call; we will check both.")
        )
        self.rationale.setTabChangesFocus(True)
        layout.addWidget(self.rationale)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Acknowledge"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.rationale.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.text()))

    def text(self) -> str:
        return self.rationale.toPlainText().strip()


def flag_html(flag: RedFlag, tr: Callable[[str], str] | None = None) -> str:
    t = tr if tr is not None else (lambda s: s)
    e = html.escape
    parts = [
        f"<p><b>{e(flag.severity.value.upper())}</b> · {e(flag.vendor)} · {e(rule_title(flag.rule))}</p>",
        f"<p>{e(flag.message)}</p>",
    ]
    if flag.evidence:
        parts.append(
            f"<p><i>{e(t('Evidence'))}:</i></p><ul>"
            + "".join(f"<li>{e(x)}</li>" for x in flag.evidence)
            + "</ul>"
        )
    if flag.acknowledgement is not None:
        a = flag.acknowledgement
        parts.append(
            f"<p><i>{e(t('Acknowledged by'))} {e(a.by)}, {e(a.at.replace('T', ' ')[:16])}:</i><br>{e(a.rationale)}</p>"
        )
    return "".join(parts)


class _VendorFilter(QSortFilterProxyModel):
    """Shows one vendor's flags; the header's sorting is the flags model's own (`FlagsModel.sort`)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class FlagsPanel(QWidget):
    """Every vendor's red flags, worst first, with details and acknowledge / withdraw buttons."""

    acknowledge_requested = Signal(object, str)  # flag, rationale
    withdraw_requested = Signal(object)  # flag

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FlagsModel(self)
        self.proxy = _VendorFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(FlagsModel.VENDOR)
        self.vendor_filter = ElidingComboBox()
        self.vendor_filter.setAccessibleName(self.tr("Show flags of"))
        self.vendor_filter.currentIndexChanged.connect(self._filter)
        self.summary = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Show:")))
        top.addWidget(self.vendor_filter)
        top.addWidget(self.summary, 1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Red flags"))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(FlagsModel.SEVERITY, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        # Severity and Acknowledged fit their contents while shown (`_fit_columns`).
        # A long vendor name ends in "…" (the tooltip names it whole) rather than squeezing the message.
        header.setSectionResizeMode(FlagsModel.VENDOR, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(FlagsModel.VENDOR, 190)
        header.setSectionResizeMode(FlagsModel.MESSAGE, QHeaderView.ResizeMode.Stretch)
        # Widths from the first rows: measuring every flag of a large evaluation would stall.
        header.setResizeContentsPrecision(200)
        self.details = QTextBrowser()
        self.details.setAccessibleName(self.tr("Flag details and evidence"))
        self.details.setOpenLinks(False)
        self.ack_button = QPushButton(self.tr("&Acknowledge…"))
        self.ack_button.setToolTip(
            self.tr("Accept this flag with a written rationale; it stays visible")
        )
        self.withdraw_button = QPushButton(self.tr("&Withdraw acknowledgement"))
        self.ack_button.clicked.connect(self.acknowledge_current)
        self.withdraw_button.clicked.connect(self._withdraw)
        buttons = QHBoxLayout()
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        below = QWidget()
        bl = QVBoxLayout(below)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.details)
        bl.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(below)
        split.setSizes([400, 170])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._current_changed())
        self.why_not = ""  # why flags cannot be acknowledged here ("" when they can): set by the page
        self._vendors: list[str] = []  # in the vendor filter
        # Set while hidden: select the flag with this key once shown (None: the first flag).
        self._select_when_shown = False
        self._kept: tuple[str, str] | None = None
        self._show_current()

    def set_flags(self, flags: list[RedFlag], vendors: list[str]) -> None:
        current = self.current_flag()
        key = current.key if current is not None else None
        if not self.table.isVisible():
            self._fit_columns(False)  # (before the rows change: they are measured when shown)
        self.model.set_flags(flags)
        if vendors != self._vendors:  # (an answer edited: the same vendors, the list stays as it is)
            self._vendors = list(vendors)
            chosen = self.vendor_filter.currentData()
            self.vendor_filter.blockSignals(True)
            self.vendor_filter.clear()
            self.vendor_filter.addItem(self.tr("All vendors"), "")
            for v in vendors:
                self.vendor_filter.addItem(v, v)
            self.vendor_filter.setCurrentIndex(max(self.vendor_filter.findData(chosen or ""), 0))
            self.vendor_filter.blockSignals(False)
            self._filter()
        counts = flag_counts(flags)
        self.summary.setText(
            self.tr("%1 open, %2 acknowledged")
            .replace("%1", str(counts.total_open))
            .replace("%2", str(counts.acknowledged))
        )
        if self.table.isVisible():
            self._keep_selection(key)
        else:
            # Chosen when shown: a current row makes a hidden table measure its rows' widths
            # (Severity and Acknowledged fit their contents), ~15 ms for a large evaluation.
            self._kept, self._select_when_shown = key, True
        self._show_current()

    def _keep_selection(self, key: tuple[str, str] | None) -> None:
        """Select the flag with `key` again (the first flag when it is gone or there was none)."""
        if key is None or not self.select(*key):
            if self.proxy.rowCount():
                self.table.setCurrentIndex(self.proxy.index(0, 0))

    def _fit_columns(self, fit: bool) -> None:
        """Severity and Acknowledged fit their contents, measured on the first 200 rows (~10 ms
        for a large evaluation), while shown. A hidden table measured them again at every load,
        though nobody saw it: flags that arrive while hidden leave the widths as they are, and
        they are measured when shown."""
        header = self.table.horizontalHeader()
        mode = QHeaderView.ResizeMode.ResizeToContents if fit else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(FlagsModel.SEVERITY) == mode:
            return
        for column in (FlagsModel.SEVERITY, FlagsModel.STATUS):
            header.setSectionResizeMode(column, mode)
        if fit:
            header.resizeSections()  # now, before the first paint

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        self._fit_columns(True)
        super().showEvent(event)
        if self._select_when_shown:
            self._select_when_shown = False
            self._keep_selection(self._kept)
            self._show_current()

    def _filter(self) -> None:
        vendor = self.vendor_filter.currentData() or ""
        import re

        self.proxy.setFilterRegularExpression(f"^{re.escape(vendor)}$" if vendor else "")

    def select(self, vendor: str, rule: str) -> bool:
        for row in range(self.proxy.rowCount()):
            f = self.proxy.index(row, 0).data(ROW_ROLE)
            if f.vendor == vendor and f.rule == rule:
                self.table.setCurrentIndex(self.proxy.index(row, 0))
                return True
        return False

    def current_flag(self) -> RedFlag | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        flag = index.data(ROW_ROLE)
        return flag if isinstance(flag, RedFlag) else None

    def _current_changed(self) -> None:
        self._select_when_shown = False  # chosen (by a click, or `select`): kept when shown
        self._show_current()

    def _show_current(self) -> None:
        flag = self.current_flag()
        self.details.setHtml(
            flag_html(flag, self.tr)
            if flag
            else f"<p>{html.escape(self.tr('Select a flag to see its evidence.'))}</p>"
        )
        allow(self.ack_button, self.why_not, flag is not None)
        allow(self.withdraw_button, self.why_not, flag is not None and flag.acknowledged)

    def acknowledge_current(self) -> None:
        flag = self.current_flag()
        if flag is None:
            return
        dialog = AcknowledgeDialog(flag, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.acknowledge_requested.emit(flag, dialog.text())

    def _withdraw(self) -> None:
        flag = self.current_flag()
        if flag is not None and flag.acknowledged:
            self.withdraw_requested.emit(flag)
