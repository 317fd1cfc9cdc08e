"""The vendor profile editor: every field the red-flag rules read, saved as one undoable change each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.domain.merge import merge
from app.domain.models import (
    MAX_AMOUNT,
    MAX_MONTHS,
    Milestone,
    Pricing,
    Reference,
    Timeline,
    Vendor,
)
from app.ui.widgets.qt import line_edit
from app.ui.widgets.rows import Column, RowsModel
from app.ui.widgets.tags import TagEditor

PRICING_MODELS = (
    "fixed fee",
    "time and materials",
    "subscription",
    "outcome-based",
    "per seat",
    "usage-based",
)
CURRENCIES = ("USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY")


class TextArea(QPlainTextEdit):
    """A multi-line field that reports `editing_finished` when focus leaves, like QLineEdit."""

    editing_finished = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)
        self.setFixedHeight(64)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.editing_finished.emit()
        super().focusOutEvent(event)


class RowsTable(QWidget):
    """A small table with Add / Remove buttons over a RowsModel."""

    def __init__(
        self, model: RowsModel, name: str, blank: object, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.blank = blank  # the row "Add" appends
        self.view = QTableView()
        self.view.setModel(model)
        self.view.setAccessibleName(name)
        self.view.setTabKeyNavigation(False)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setMinimumHeight(110)
        self.view.setMaximumHeight(170)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setAccessibleName(self.tr("Add a row to %1").replace("%1", name))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setAccessibleName(
            self.tr("Remove the selected row from %1").replace("%1", name)
        )
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(self.remove_row)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def add_row(self) -> None:
        if self.model.editable and self.model.append_row(self.blank):
            index = self.model.index(self.model.rowCount() - 1, 0)
            self.view.setCurrentIndex(index)
            self.view.edit(index)

    def remove_row(self) -> None:
        if self.model.editable:
            self.model.remove_row_at(self.view.currentIndex().row())


class VendorEditor(QScrollArea):
    """Shows one vendor; each finished edit emits `edited(old_name, new_vendor)`."""

    edited = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.vendor: Vendor | None = None
        self._shown = Vendor("")
        self._loading = False
        body = self.body = QWidget()
        self.setWidget(body)
        outer = QVBoxLayout(body)

        # --- who they are
        who = QGroupBox(self.tr("Profile"))
        form = QFormLayout(who)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Vendor name"))
        self.name.editingFinished.connect(self._save)
        form.addRow(self.tr("&Name"), self.name)
        self.industries = TagEditor(
            self.tr("Industries served"), self.tr("Add an industry and press Enter")
        )
        self.industries.edited.connect(lambda tags: self._save(industries=list(tags)))
        form.addRow(self.tr("Industries served"), self.industries)
        self.claims = TextArea(self.tr("Claims"))
        self.claims.setPlaceholderText(self.tr("What they say they do, in their words"))
        self.claims.editing_finished.connect(self._save)
        form.addRow(self.tr("&Claims"), self.claims)
        self.deployments = QSpinBox()
        self.deployments.setRange(-1, 2_147_483_647)  # every count an import accepts
        self.deployments.setSpecialValueText(self.tr("not given"))
        self.deployments.setAccessibleName(self.tr("Production deployments in our industry"))
        self.deployments.editingFinished.connect(self._save)
        form.addRow(self.tr("Production deployments\nin our industry"), self.deployments)
        self.demo = QComboBox()
        self.demo.setAccessibleName(self.tr("Demo rating"))
        self.demo.addItem(self.tr("not rated"), None)
        for i in range(6):
            self.demo.addItem(f"{i} / 5", float(i))
        self.demo.activated.connect(lambda _i: self._save())
        form.addRow(self.tr("&Demo rating"), self.demo)
        outer.addWidget(who)

        # --- references
        refs = QGroupBox(self.tr("References"))
        rl = QVBoxLayout(refs)
        self.references = RowsModel(
            [
                Column(self.tr("Company"), field="company"),
                Column(self.tr("Industry"), field="industry"),
                Column(self.tr("Stage"), field="stage"),
                Column(self.tr("Live"), "bool", "in_production"),
                Column(self.tr("Contact"), "bool", "contactable"),
            ],
            self,
        )
        self.references.on_edit = lambda rows, _what: self._save(references=rows)
        self.references_table = RowsTable(self.references, self.tr("References"), Reference(""))
        rl.addWidget(self.references_table)
        outer.addWidget(refs)

        # --- timeline
        tl = QGroupBox(self.tr("Timeline"))
        tform = QFormLayout(tl)
        self.months = QDoubleSpinBox()
        self.months.setRange(-1, MAX_MONTHS)  # what an import accepts (app.domain.models)
        self.months.setDecimals(2)
        self.months.setSingleStep(1)
        self.months.setSpecialValueText(self.tr("not given"))
        self.months.setSuffix(self.tr(" months"))
        self.months.setAccessibleName(self.tr("Kickoff to production, months"))
        self.months.editingFinished.connect(self._save)
        tform.addRow(self.tr("Kickoff to &production"), self.months)
        self.milestones = RowsModel(
            [Column(self.tr("Milestone"), field="name"), Column(self.tr("Month"), "int", "month")],
            self,
        )
        self.milestones.on_edit = lambda rows, _what: self._save(milestones=rows)
        self.milestones_table = RowsTable(self.milestones, self.tr("Milestones"), Milestone(""))
        tform.addRow(self.tr("Milestones"), self.milestones_table)
        self.timeline_text = TextArea(self.tr("Timeline description"))
        self.timeline_text.setPlaceholderText(self.tr("How they describe the plan, in their words"))
        self.timeline_text.editing_finished.connect(self._save)
        tform.addRow(self.tr("Descri&ption"), self.timeline_text)
        outer.addWidget(tl)

        # --- commercials and infrastructure
        money = QGroupBox(self.tr("Pricing and infrastructure"))
        mform = QFormLayout(money)
        self.pricing_model = QComboBox()
        self.pricing_model.setEditable(True)
        self.pricing_model.addItems(list(PRICING_MODELS))
        self.pricing_model.setAccessibleName(self.tr("Pricing model"))
        self.pricing_model.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.pricing_model.setMinimumContentsLength(8)
        line_edit(self.pricing_model).editingFinished.connect(self._save)
        self.pricing_model.activated.connect(lambda _i: self._save())
        self.amount = QDoubleSpinBox()
        self.amount.setRange(0, MAX_AMOUNT)
        self.amount.setDecimals(2)
        self.amount.setGroupSeparatorShown(True)
        self.amount.setAccessibleName(self.tr("Price amount"))
        self.amount.setMinimumWidth(80)
        self.amount.setButtonSymbols(QDoubleSpinBox.ButtonSymbols.NoButtons)
        self.amount.editingFinished.connect(self._save)
        self.currency = QComboBox()
        self.currency.setEditable(True)
        self.currency.addItems(list(CURRENCIES))
        self.currency.setAccessibleName(self.tr("Currency"))
        line_edit(self.currency).editingFinished.connect(self._save)
        self.currency.activated.connect(lambda _i: self._save())
        price_row = QHBoxLayout()
        price_row.addWidget(self.pricing_model, 2)
        price_row.addWidget(self.amount, 2)
        price_row.addWidget(self.currency, 1)
        mform.addRow(self.tr("Pricing"), price_row)
        self.assumes = TagEditor(
            self.tr("Pricing assumes"), self.tr("A capability the price assumes, Enter to add")
        )
        self.assumes.edited.connect(lambda tags: self._save(assumes=list(tags)))
        mform.addRow(self.tr("Price assumes"), self.assumes)
        self.infrastructure = TagEditor(
            self.tr("Assumed infrastructure"),
            self.tr("Pick one of our capabilities or type a new one"),
        )
        self.infrastructure.edited.connect(lambda tags: self._save(infrastructure=list(tags)))
        mform.addRow(self.tr("Assumed infrastructure"), self.infrastructure)
        self.ours = QLabel()
        self.ours.setWordWrap(True)
        mform.addRow("", self.ours)
        outer.addWidget(money)
        outer.addStretch(1)

    def set_capabilities(self, capabilities: Sequence[str]) -> None:
        """Our organization's capabilities: offered while typing, listed as a reminder."""
        for editor in (self.assumes, self.infrastructure):
            editor.set_suggestions(capabilities)
        self.ours.setText(
            self.tr("We have: %1").replace("%1", ", ".join(capabilities))
            if capabilities
            else self.tr("Our organization lists no infrastructure yet (Organization page).")
        )

    def set_read_only(self, read_only: bool) -> None:
        self.body.setEnabled(not read_only)

    def set_vendor(self, vendor: Vendor | None) -> None:
        self._loading = True
        try:
            self.vendor = vendor
            self.body.setVisible(vendor is not None)
            v = vendor or Vendor("")
            if self.name.text() != v.name:
                self.name.setText(v.name)
            self.industries.set_tags(v.industries)
            if self.claims.toPlainText() != v.claims:
                self.claims.setPlainText(v.claims)
            self.deployments.setValue(
                -1
                if v.production_deployments_in_industry is None
                else v.production_deployments_in_industry
            )
            self.demo.setCurrentIndex(0 if v.demo_rating is None else int(round(v.demo_rating)) + 1)
            self.references.set_rows(v.references)
            months = v.timeline.kickoff_to_production_months
            self.months.setValue(-1 if months is None else months)
            self.milestones.set_rows(v.timeline.milestones)
            if self.timeline_text.toPlainText() != v.timeline.description:
                self.timeline_text.setPlainText(v.timeline.description)
            self.pricing_model.setCurrentText(v.pricing.model)
            self.amount.setValue(v.pricing.amount)
            self.currency.setCurrentText(v.pricing.currency)
            self.assumes.set_tags(v.pricing.assumes)
            self.infrastructure.set_tags(v.assumed_infrastructure)
            # What the widgets show may be rounded or clamped (a spin box's decimals and range,
            # CRLF in a text box): remembered so that only fields a person edits are written.
            self._shown = self._from_widgets()
        finally:
            self._loading = False

    def form_vendor(self, **changes: Any) -> Vendor:
        """The loaded vendor with the fields edited in the form (or emitted as `changes`) replaced.

        A field left alone keeps its saved value exactly, whatever the widget shows for it.
        """
        edited = self._from_widgets(**changes)
        if self.vendor is None:
            return edited
        return merge(self._shown, edited, self.vendor)[0]

    def _from_widgets(self, **changes: Any) -> Vendor:
        """The vendor as the form shows it, with `changes` (a list a table or tag editor emitted)."""
        refs = changes.get("references", self.references.rows())
        miles = changes.get("milestones", self.milestones.rows())
        months = self.months.value()
        deployments = self.deployments.value()
        rating = self.demo.currentData()
        return Vendor(
            name=self.name.text().strip(),
            industries=list(changes.get("industries", self.industries.tags())),
            claims=self.claims.toPlainText(),
            references=list(refs),  # Reference rows (the table edits copies, never these)
            production_deployments_in_industry=None if deployments < 0 else deployments,
            timeline=Timeline(
                None if months < 0 else months,
                list(miles),
                self.timeline_text.toPlainText(),
            ),
            pricing=Pricing(
                self.pricing_model.currentText().strip(),
                self.amount.value(),
                self.currency.currentText().strip() or "USD",
                list(changes.get("assumes", self.assumes.tags())),
            ),
            assumed_infrastructure=list(changes.get("infrastructure", self.infrastructure.tags())),
            demo_rating=None if rating is None else float(rating),
        )

    def _save(self, **changes: Any) -> bool:
        if self._loading or self.vendor is None:
            return False
        new = self.form_vendor(**changes)
        if new == self.vendor:
            return False
        old = self.vendor
        self.edited.emit(old.name, new)
        # The page reloads the editor after saving; a refusal puts the saved values back.
        return self.vendor is not old or self.vendor == new
