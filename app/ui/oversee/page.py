"""Oversee page: hold the chosen partner to the metrics agreed before kickoff, review by review."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QWidget,
)

from app.domain.oversight import Review
from app.services import engagements, team
from app.services.changes import Changes
from app.services.engagements import Oversight
from app.services.errors import InputError, NotFound
from app.ui.context import AppContext
from app.ui.oversee.dashboard import Dashboard
from app.ui.oversee.dialogs import AcknowledgeDialog, ChangeMetricDialog, SelectPartnerDialog
from app.ui.oversee.retrospective import RetrospectiveView
from app.ui.oversee.review import ReviewForm
from app.ui.tasks import Task
from app.ui.undo import push_edit, try_push
from app.ui.widgets.eliding import ElidingComboBox
from app.ui.widgets.page import empty_state, heading, page_layout
from app.ui.widgets.wrapping import WrapLabel


def select_partner(parent: QWidget, ctx: AppContext, evaluation_id: int, vendor: str) -> int | None:
    """ "Select this partner": show what kickoff locks, create the engagement, open it on the Oversee page."""
    ws = ctx.workspace
    try:
        proposal = engagements.partner_proposal(ws, evaluation_id, vendor)
    except InputError as exc:
        ctx.say(str(exc))
        return None
    created: dict[str, int] = {}

    def submit(name: str, kickoff: date, reason: str = "") -> str | None:
        clean = name.strip()

        def apply() -> None:
            created["id"] = engagements.select_partner(
                ws, evaluation_id, vendor, clean, kickoff, reason=reason
            )

        return try_push(
            ctx,
            ctx.tr("Select {vendor} as partner").replace("{vendor}", vendor),
            apply,
            lambda: engagements.delete_engagement(ws, clean),
            changes=Changes(engagements=True),
        )

    dialog = SelectPartnerDialog(proposal, submit, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or "id" not in created:
        return None
    engagement_id = created["id"]
    ctx.say(
        ctx.tr("Engagement started with {vendor}; its metrics are locked.").replace(
            "{vendor}", vendor
        )
    )
    window = parent.window()
    show_page = getattr(window, "show_page", None)
    if callable(show_page):
        page = show_page("oversee")
        if isinstance(page, Page):
            page.show_engagement(engagement_id)
    return engagement_id


class Page(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.engagement_id: int | None = None
        self.oversight: Oversight | None = None
        self._loading = False
        # The engagements were read from `_read_from` and none changed since unless `_stale` (a
        # change announced): showing the page again then reads and rebuilds nothing (refresh).
        self._read_from: object | None = None
        self._stale = True
        # Showing the page or picking an engagement loads on a worker (never stalls the window);
        # a reload after an edit stays immediate so what was just saved shows at once.
        self._load_task = Task(self)

        layout = page_layout(self)
        layout.addWidget(
            heading(
                self.tr("Oversee"),
                self.tr(
                    "Metrics agreed before kickoff, a 30-minute review each month, and a red flag when a "
                    "metric is off track two reviews running without a recovery plan."
                ),
            )
        )
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Engagement")))
        self.picker = ElidingComboBox()
        self.picker.setObjectName("engagementPicker")
        self.picker.setAccessibleName(self.tr("Engagement"))
        self.picker.setMinimumWidth(260)
        self.picker.currentIndexChanged.connect(self._picked)
        top.addWidget(self.picker)
        self.summary = WrapLabel()
        self.summary.setObjectName("engagementSummary")
        top.addWidget(self.summary, 1)
        self.export_button = QPushButton(self.tr("Export review PDF…"))
        self.export_button.setObjectName("exportReview")
        self.export_button.clicked.connect(self._export)
        top.addWidget(self.export_button)
        layout.addLayout(top)

        self.empty = empty_state(
            self.tr("No engagement yet"),
            self.tr(
                "Oversight starts when you pick a partner: on the Compare page choose "
                "“Select this partner” on the winning vendor. The use case's success "
                "metrics are locked at kickoff and the monthly reviews happen here."
            ),
            self.tr("Go to Compare"),
            lambda: self._go_to("compare"),
        )
        layout.addWidget(self.empty, 1)

        self.tabs = QTabWidget()
        self.dashboard = Dashboard()
        self.review_form = ReviewForm(self._save_review)
        self.tabs.addTab(self.dashboard, self.tr("Dashboard"))
        self.tabs.addTab(self.review_form, self.tr("Monthly review"))
        self.retrospective = RetrospectiveView()
        self.tabs.addTab(self.retrospective, self.tr("Retrospective"))
        layout.addWidget(self.tabs, 1)

        self.dashboard.change_metric_requested.connect(self._change_metric)
        self.dashboard.acknowledge_requested.connect(self._acknowledge)
        self.dashboard.withdraw_requested.connect(self._withdraw)
        self.dashboard.milestone_edited.connect(self._milestone)
        self.dashboard.production_edited.connect(self._production)
        self.dashboard.decision_decided.connect(self._decided)
        self.dashboard.threshold_edited.connect(self._threshold)
        ctx.changes.connect(self._on_changes)

    def _go_to(self, key: str) -> None:
        show = getattr(self.window(), "show_page", None)
        if callable(show):
            show(key)

    # ----- loading -----------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the engagement: read it again only when something changed since the last read."""
        if self._stale or self._read_from is not self.ctx.workspace:
            self.reload()

    def reload(self) -> None:
        """Read the engagements again and show the one picked (loaded on a worker)."""
        self._read_from, self._stale = self.ctx.workspace, False
        items = engagements.list_engagements(self.ctx.workspace)
        ids = [i for i, _, _ in items]
        if self.engagement_id not in ids:
            self.engagement_id = ids[-1] if ids else None
        self._loading = True
        self.picker.clear()
        for eid, name, vendor in items:
            self.picker.addItem(f"{name} — {vendor}", eid)
        if self.engagement_id is not None:
            self.picker.setCurrentIndex(ids.index(self.engagement_id))
        self._loading = False
        has = bool(items)
        self.empty.setVisible(not has)
        self.tabs.setVisible(has)
        self.picker.setEnabled(has)
        self.export_button.setEnabled(has)
        self._allow_edits()
        self._load_in_background()

    def _allow_edits(self) -> None:
        """Oversight is a lead's to change on a team workspace (evaluators and viewers read it):
        the dashboard's controls and the monthly review say so rather than fail on saving."""
        why = self.ctx.why_not(team.MANAGE)
        self.dashboard.set_why_not(why)
        review = self.tabs.indexOf(self.review_form)
        self.tabs.setTabEnabled(review, not why)
        self.tabs.setTabToolTip(review, why)

    def show_engagement(self, engagement_id: int, tab: str = "dashboard") -> None:
        self.engagement_id = engagement_id
        self.reload()
        review = tab == "review" and self.tabs.isTabEnabled(self.tabs.indexOf(self.review_form))
        self.tabs.setCurrentWidget(self.review_form if review else self.dashboard)

    def _picked(self, index: int) -> None:
        if self._loading or index < 0:
            return
        self.engagement_id = self.picker.itemData(index)
        self._load_in_background()

    @property
    def loading(self) -> bool:
        """Whether the engagement is still being read, or its dashboard still being built."""
        return self._load_task.busy or self.dashboard.building

    @property
    def busy(self) -> bool:
        """As the other pages say it: the screenshots and tests wait while this is true."""
        return self.loading

    def _load_in_background(self) -> None:
        if self.engagement_id is None:
            self._load_task.cancel(quiet=True)
            self.oversight = None
            self.summary.clear()
            return
        ws, eid = self.ctx.workspace, self.engagement_id

        def load() -> tuple[Oversight, Any]:
            return engagements.oversight(ws, eid), engagements.metric_changes(ws, eid)

        self.summary.setText(self.tr("Loading…"))
        self._load_task.run(load, lambda loaded: self._show_loaded(loaded, staged=True), self._load_failed)

    def _load_failed(self, exc: Exception) -> None:
        if isinstance(exc, NotFound):  # removed (e.g. "Select this partner" undone)
            self.engagement_id = None
            self.reload()
            return
        self.summary.setText(str(exc))
        self.ctx.say(str(exc))

    def _reload(self, _undone: bool = False) -> None:
        if self.engagement_id is None:
            self.oversight = None
            self.summary.clear()
            return
        try:
            o = engagements.oversight(self.ctx.workspace, self.engagement_id)
        except NotFound:  # removed (e.g. "Select this partner" undone): show what remains
            self.engagement_id = None
            self.reload()
            return
        self._load_task.cancel(quiet=True)  # an older background load must not overwrite this
        self._show_loaded((o, engagements.metric_changes(self.ctx.workspace, o.engagement.id)))

    def _show_loaded(self, loaded: tuple[Oversight, Any], staged: bool = False) -> None:
        """Show what was read; `staged` (a load on showing or picking) builds the dashboard part by
        part, the other tabs after it, so no turn of the event loop takes long."""
        o, changes = loaded
        self.oversight = o
        e = o.engagement
        self.summary.setText(
            self.tr("{vendor} · {uc} · kickoff {k} · %n review(s)", "", len(e.reviews))
            .replace("{vendor}", e.vendor)
            .replace("{uc}", e.use_case_title or self.tr("no use case"))
            .replace("{k}", e.kickoff.isoformat())
        )
        # The review form and the retrospective (tabs not on screen) come after the dashboard.
        self.dashboard.show_oversight(o, changes, staged=staged, then=lambda: self._show_forms(o))

    def _show_forms(self, o: Oversight) -> None:
        if self.oversight is not o:
            return  # another engagement (or a reload) came since: it shows its own
        self.review_form.set_engagement(o.engagement)
        self.retrospective.show_retrospective(o.retrospective)

    def _on_changes(self, changes: Changes) -> None:
        # Another page changed an engagement (or the workspace): show it; our own edits reload via on_done.
        if changes.touches_engagements() and changes.origin is not self:
            self._stale = True  # shown again, the page reads the engagement again (not before)
            if self.isVisible():
                self.refresh()

    # ----- edits (each an undoable command calling a service) ----------------------------

    def _run(self, text: str, apply: Callable[[], Any], revert: Callable[[], Any]) -> str | None:
        # Other pages (the checklist, Compare's "partner selected") hear of it; this page redraws
        # through on_done and skips its own announcement.
        error = try_push(
            self.ctx, text, apply, revert, changes=Changes(engagements=True).by(self), on_done=self._reload
        )
        if error:
            self.ctx.say(error)
        return error

    def _edit(self, text: str, save: Callable[[Any, Any], Any], mine: Any, base: Any) -> str | None:
        """As `_run`, for an edit someone else may have saved meanwhile (a ConflictDialog asks)."""
        error = push_edit(self.ctx, self, text, save, mine, base, on_done=self._reload)
        if error:
            self.ctx.say(error)
            self._reload(False)  # show what is saved now
        return error

    def _save_review(self, review: Review, replace: bool) -> str | None:
        assert self.engagement_id is not None
        ws, eid = self.ctx.workspace, self.engagement_id
        try:
            engagements.check_review(ws, eid, review, replace=replace)
        except InputError as exc:
            return str(exc)
        old = engagements.get_review(ws, eid, review.month) if replace else None

        def revert() -> None:
            engagements.delete_review(ws, eid, review.month)
            if old is not None:
                engagements.save_review(ws, eid, old)

        error = self._run(
            self.tr("Save review for {m}").replace("{m}", review.month),
            lambda: engagements.save_review(ws, eid, review, replace=replace),
            revert,
        )
        if error is None:
            self.review_form.reset()
            self.ctx.say(self.tr("Review for {m} saved.").replace("{m}", review.month))
        return error

    def _change_metric(self, name: str) -> None:
        assert self.oversight is not None
        ws, eid = self.ctx.workspace, self.oversight.engagement.id
        metric = next(m for m in self.oversight.engagement.metrics if m.name == name)

        def submit(changes: dict[str, object], reason: str) -> str | None:
            before = {k: _field(metric, k) for k in changes}

            def save(value: dict[str, object], base: dict[str, object]) -> None:
                why = reason if value is not before else self.tr("Undo: ") + reason
                engagements.change_metric(ws, eid, name, value, why, base=base)

            return self._edit(self.tr("Change metric {m}").replace("{m}", name), save, changes, before)

        ChangeMetricDialog(metric, submit, self).exec()

    def _acknowledge(self, rule: str, message: str) -> None:
        assert self.oversight is not None
        ws, eid = self.ctx.workspace, self.oversight.engagement.id
        dialog = AcknowledgeDialog(message, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        rationale = dialog.rationale.toPlainText().strip()
        self._run(
            self.tr("Acknowledge red flag"),
            lambda: engagements.acknowledge_flag(ws, eid, rule, rationale),
            lambda: engagements.withdraw_acknowledgement(ws, eid, rule),
        )

    def _withdraw(self, rule: str) -> None:
        assert self.oversight is not None
        ws, eid = self.ctx.workspace, self.oversight.engagement.id
        ack = next(
            (
                f.acknowledgement
                for f in self.oversight.flags
                if f.ack_id == rule and f.acknowledgement
            ),
            None,
        )
        if ack is None:
            return
        self._run(
            self.tr("Withdraw acknowledgement"),
            lambda: engagements.withdraw_acknowledgement(ws, eid, rule),
            lambda: engagements.acknowledge_flag(ws, eid, rule, ack.rationale, by=ack.by),
        )

    def _milestone(self, name: str, reached: date | None) -> None:
        assert self.oversight is not None
        ws, eid = self.ctx.workspace, self.oversight.engagement.id
        before = next((ms.reached_on for ms in self.oversight.milestones if ms.name == name), None)
        self._run(
            self.tr("Mark milestone reached") if reached else self.tr("Mark milestone not reached"),
            lambda: engagements.set_milestone_reached(ws, eid, name, reached),
            lambda: engagements.set_milestone_reached(ws, eid, name, before),
        )

    def _decided(self, month: str, index: int) -> None:
        assert self.oversight is not None
        ws, eid = self.ctx.workspace, self.oversight.engagement.id
        today = date.today()
        self._run(
            self.tr("Mark decision taken"),
            lambda: engagements.set_decided(ws, eid, month, index, today),
            lambda: engagements.set_decided(ws, eid, month, index, None),
        )

    def _threshold(self, share: float) -> None:
        assert self.oversight is not None
        ws, eid = self.ctx.workspace, self.oversight.engagement.id
        before = self.oversight.engagement.promises.cost_threshold
        self._edit(
            self.tr("Change the cost overrun threshold"),
            lambda value, base: engagements.set_cost_threshold(ws, eid, value, base=base),
            share,
            before,
        )

    def _production(self, day: date | None) -> None:
        assert self.oversight is not None
        ws, eid = self.ctx.workspace, self.oversight.engagement.id
        before = self.oversight.engagement.production_date
        self._edit(
            self.tr("Set production date"),
            lambda value, base: engagements.set_production_date(ws, eid, value, base=base),
            day,
            before,
        )

    def _export(self) -> None:
        from app.ui.export import export_review_pdf  # on use: start-up stays fast

        if self.engagement_id is None:
            return
        months = [r.month for r in self.oversight.engagement.reviews] if self.oversight else []
        month = (
            self.review_form.current_month()
            if self.review_form.current_month() in months
            else (max(months) if months else None)
        )
        export_review_pdf(self, self.ctx, self.engagement_id, month)


def _field(metric: Any, key: str) -> object:
    v = getattr(metric, key)
    if isinstance(v, date):
        return v.isoformat()
    if hasattr(v, "value"):
        return v.value
    return v
