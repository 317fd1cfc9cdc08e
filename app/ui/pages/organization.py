"""Organization page: the profile the red-flag rules compare every vendor with."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.domain.models import Organization, Stage
from app.services import organization as org_service
from app.services import team
from app.services.changes import Changes
from app.ui.context import AppContext
from app.ui.undo import push_edit
from app.ui.widgets.allowed import allow_all
from app.ui.widgets.page import PAGE_MARGINS, callout, heading, hint
from app.ui.widgets.qt import line_edit
from app.ui.widgets.tags import TagEditor


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._org = Organization()
        self._loading = False

        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Organization name"))
        self.name.setPlaceholderText(self.tr("e.g. Northwind Analytics"))
        self.name.editingFinished.connect(lambda: self._save(name=self.name.text()))

        self.industry = QComboBox()
        self.industry.setEditable(True)
        self.industry.setAccessibleName(self.tr("Industry"))
        self.industry.addItems(org_service.industries())
        self.industry.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line_edit(self.industry).setPlaceholderText(self.tr("Pick or type your industry"))
        self.industry.activated.connect(lambda _i: self._save(industry=self.industry.currentText()))
        line_edit(self.industry).editingFinished.connect(
            lambda: self._save(industry=self.industry.currentText())
        )

        self.stage = QComboBox()
        self.stage.setAccessibleName(self.tr("Stage"))
        labels = {
            Stage.STARTUP: self.tr("Startup"),
            Stage.SCALE_UP: self.tr("Scale-up"),
            Stage.MID_MARKET: self.tr("Mid-market"),
            Stage.ENTERPRISE: self.tr("Enterprise"),
        }
        for stage in Stage:
            self.stage.addItem(labels[stage], stage.value)
        self.stage.activated.connect(lambda _i: self._save(stage=Stage(self.stage.currentData())))

        self.systems = TagEditor(
            self.tr("Systems"), self.tr("Add a system (Salesforce, Zendesk …) and press Enter")
        )
        self.systems.edited.connect(lambda tags: self._save(systems=tags))
        self.infrastructure = TagEditor(
            self.tr("Infrastructure capabilities"),
            self.tr("Add a capability (cloud data warehouse, MLOps platform …) and press Enter"),
            org_service.capabilities(),
        )
        self.infrastructure.edited.connect(lambda tags: self._save(infrastructure=tags))
        self.regulations = TagEditor(
            self.tr("Regulations"), self.tr("Add a regulation (GDPR, HIPAA, SOX …) and press Enter")
        )
        self.regulations.edited.connect(lambda tags: self._save(regulations=tags))

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(10)
        form.addRow(self.tr("&Name"), self.name)
        form.addRow(
            self.tr("&Industry"),
            self._with_hint(
                self.industry,
                self.tr(
                    "References and production deployments count only in this industry (synonyms match)."
                ),
            ),
        )
        form.addRow(
            self.tr("S&tage"),
            self._with_hint(
                self.stage, self.tr("A reference proves most at a company of your stage.")
            ),
        )
        form.addRow(
            self.tr("S&ystems"),
            self._with_hint(
                self.systems,
                self.tr(
                    "The named systems your data lives in; use cases pick their data sources from here."
                ),
            ),
        )
        form.addRow(
            self.tr("Inf&rastructure"),
            self._with_hint(
                self.infrastructure,
                self.tr(
                    "What you already have. A vendor whose plan or price assumes anything else is flagged."
                ),
            ),
        )
        form.addRow(
            self.tr("Re&gulations"),
            self._with_hint(self.regulations, self.tr("Rules your partner must work within.")),
        )

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(*PAGE_MARGINS)
        layout.setSpacing(12)
        layout.addWidget(
            heading(self.tr("Organization"), self.tr("Who you are, as a partner should see you."))
        )
        layout.addWidget(
            callout(
                self.tr(
                    "<b>Why this matters.</b> The red-flag checks compare every vendor with this profile: "
                    "no reference in your industry and at your stage, no production track record in your "
                    "industry, or a plan that assumes infrastructure you do not have. "
                    "Keep it accurate and the flags stay meaningful. Changes are saved as you go; "
                    "Ctrl+Z undoes them."
                )
            )
        )
        layout.addLayout(form)
        layout.addStretch(1)
        body.setMaximumWidth(900)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        ctx.changes.connect(self._on_changes)

    @staticmethod
    def _with_hint(widget: QWidget, text: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if isinstance(widget, QComboBox):
            # A combo needs no full width, but its hint does.
            widget.setMinimumWidth(300)
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        else:
            layout.addWidget(widget)
        layout.addWidget(hint(text))
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        box.setFocusProxy(widget)
        return box

    # ----- data ---------------------------------------------------------------------------

    def refresh(self) -> None:
        self._org = org_service.get(self.ctx.workspace)
        self._loading = True
        try:
            org = self._org
            if self.name.text() != org.name:
                self.name.setText(org.name)
            if self.industry.currentText() != org.industry:
                self.industry.setEditText(org.industry)
            self.stage.setCurrentIndex(max(0, self.stage.findData(org.stage.value)))
            self.systems.set_tags(org.systems)
            self.infrastructure.set_tags(org.infrastructure)
            self.regulations.set_tags(org.regulations)
        finally:
            self._loading = False
        # A lead's on a team workspace; nothing on a read-only window.
        allow_all((self.name, self.industry, self.stage, self.systems, self.infrastructure, self.regulations),
                  self.ctx.why_not(team.MANAGE))

    def _on_changes(self, changes: Changes) -> None:
        if changes.touches_organization() and changes.origin is not self and self.isVisible():
            self.refresh()

    def _save(self, **changes: Any) -> None:
        if self._loading:
            return
        ws = self.ctx.workspace
        new = replace(self._org, **changes)
        what = ", ".join(changes)
        if new == self._org:
            return
        # Only the fields edited here are written over what is saved now; a field a colleague
        # (or another window) saved meanwhile with another value asks first (ConflictDialog).
        error = push_edit(
            self.ctx,
            self,
            self.tr("Edit organization %s") % what,
            lambda org, base: org_service.save(ws, org, base=base),
            new,
            self._org,
            changes=Changes(organization=True).by(self),
            on_done=lambda _undone: self._after_save(),
        )
        if error:
            self.refresh()  # show what is saved now

    def _after_save(self) -> None:
        self.refresh()
        self.ctx.say(self.tr("Organization profile saved."))
