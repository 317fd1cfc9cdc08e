"""Evaluate's live results beside the tabs: ranking, knockouts and progress per evaluator."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import evaluation_view as view
from app.services.live import LiveEvaluation
from app.ui.evaluate.models import RankingModel
from app.ui.widgets.rows import Column, RowsModel
from app.ui.widgets.tables import SORT_ROLE, compact_rows, fit_columns_to_text, fit_rows


def short_name(name: str, everyone: list[str]) -> str:
    """A first name when it tells the evaluators apart, else the full name."""
    first = name.split()[0] if name.split() else name
    return first if sum(1 for n in everyone if n.split()[:1] == [first]) == 1 else name


def initials(name: str) -> str:
    """Initials for a column: "MC" for "Maya Chen (RevOps)", the name without the role."""
    words = [w for w in name.split("(")[0].split() if w[:1].isalpha()]
    return "".join(w[0].upper() for w in words[:3]) or name[:2]


def column_names(names: list[str]) -> list[str]:
    """Short evaluator names for narrow columns: first names, or initials when there are many."""
    firsts = [short_name(n, names) for n in names]
    if len(names) <= 3:
        return firsts
    inits = [initials(n) for n in names]
    # Initials only when they still tell everyone apart.
    return inits if len(set(inits)) == len(inits) else firsts


class ResultsPanel(QGroupBox):
    """Totals of the evaluator at the keyboard (blind) or of everyone, and who has answered what."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Live results"))
        self.results_note = QLabel()
        self.results_note.setWordWrap(True)
        self.ranking = RankingModel(self, compact=True)
        proxy = QSortFilterProxyModel(self)
        proxy.setSourceModel(self.ranking)
        proxy.setSortRole(SORT_ROLE)
        self.ranking_view = QTableView()
        self.ranking_view.setModel(proxy)
        self.ranking_view.setAccessibleName(self.tr("Live ranking"))
        self.ranking_view.setSortingEnabled(True)
        self.ranking_view.sortByColumn(RankingModel.RANK, Qt.SortOrder.AscendingOrder)
        self.ranking_view.verticalHeader().setVisible(False)
        self.ranking_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ranking_view.setWordWrap(False)
        self.ranking_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.ranking_view.horizontalHeader()
        header.setMinimumSectionSize(20)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(RankingModel.VENDOR, QHeaderView.ResizeMode.Stretch)
        for col, width in (
            (RankingModel.RANK, 28),
            (RankingModel.TOTAL, 50),
            (RankingModel.CRITICAL, 30),
            (RankingModel.HIGH, 30),
            (RankingModel.MEDIUM, 30),
        ):
            self.ranking_view.setColumnWidth(col, width)
        compact_rows(self.ranking_view)
        self.ranking_view.setColumnHidden(RankingModel.STATUS, True)
        self.ranking_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.knockouts = QLabel()
        self.knockouts.setWordWrap(True)
        self.progress_model = RowsModel([Column(self.tr("Vendor"))], self)
        self.progress_model.editable = False
        self.progress_view = QTableView()
        self.progress_view.setModel(self.progress_model)
        self.progress_view.setAccessibleName(self.tr("Progress per evaluator and vendor"))
        self.progress_view.verticalHeader().setVisible(False)
        # Evaluator columns as wide as "50/50" or their (short) name; the vendor takes the rest
        # and is elided, with the full name in the tooltip.
        ph = self.progress_view.horizontalHeader()
        # Measured once when the rows change (`fit_columns_to_text`): ResizeToContents measured
        # every row again at each layout pass of the page (the results stage repainted it ~3 times).
        ph.setMinimumSectionSize(36)
        ph.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        ph.setStretchLastSection(False)
        # In the middle: vendors often differ only at the end ("… Partners #12").
        self.progress_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.progress_view.setWordWrap(False)
        compact_rows(self.progress_view)
        self.progress_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.addWidget(self.results_note)
        layout.addWidget(self.ranking_view)
        layout.addWidget(self.knockouts)
        self.progress_title = QLabel(self.tr("<b>Progress</b> (answered / total)"))
        layout.addWidget(self.progress_title)
        layout.addWidget(self.progress_view)
        layout.addStretch(1)

    def clear(self) -> None:
        """No totals at all (another evaluator's are being computed)."""
        self.ranking.set_rows([])
        self.knockouts.clear()

    def show_results(self, live: LiveEvaluation) -> None:
        snap = live.snapshot
        ranked = view.ranking_rows(live.results)
        self.ranking.set_rows(ranked)
        if not ranked:
            note = self.tr("No vendors yet: totals appear here once vendors are scored.")
        elif all(r.not_scored_yet for r in ranked):
            # Blind: the totals are this evaluator's own, so only they are known to be missing.
            note = (
                self.tr("You have not scored a vendor yet: no totals, no ranking.")
                if live.blind
                else self.tr("Nobody has scored a vendor yet: no totals, no ranking.")
            )
        elif live.blind:
            note = self.tr("Totals from your answers only (blind until you submit).")
        elif live.results.scoring.provisional:
            note = self.tr("Provisional: totals from the answers of evaluators who have submitted.")
        else:
            note = self.tr("Totals from every evaluator's answers.")
        self.results_note.setText(note)
        out = [
            f"<b>{r.vendor}</b> {self.tr('knocked out')}: " + "; ".join(r.knockout_reasons)
            for r in ranked
            if r.knocked_out
        ]
        if len(out) > 3:
            # A long list would push progress off the panel; Compare lists every knockout.
            more = self.tr("… and %1 more knocked out (see Compare)").replace(
                "%1", str(len(out) - 3)
            )
            out = [*out[:3], more]
        self.knockouts.setText("<br>".join(out))
        table = live.progress
        # Columns carry first names or initials (full names in the tooltip) so the narrow panel
        # stays readable with many evaluators.
        everyone = [e.name for e in snap.evaluators]
        centre = int(Qt.AlignmentFlag.AlignCenter)
        columns = [Column(self.tr("Vendor"))] + [
            Column(
                short + (" ✓" if e.submitted else ""),
                tip=e.name
                + " — "
                + (self.tr("submitted") if e.submitted else self.tr("not submitted yet")),
                align=centre,
            )
            for short, e in zip(column_names(everyone), snap.evaluators, strict=True)
        ]
        if self.progress_model.columns != columns:
            self.progress_model.set_columns(columns)
            header = self.progress_view.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.progress_title.setText(
            self.tr("<b>Progress</b> (answered / total)")
            + (self.tr(" · ✓ submitted") if any(e.submitted for e in snap.evaluators) else "")
        )
        rows = []
        for v in snap.vendors:
            rows.append(
                [v.name]
                + [
                    f"{table[(e.name, v.name)].answered}/{table[(e.name, v.name)].total}"
                    for e in snap.evaluators
                ]
            )
        self.progress_model.set_rows(rows)
        fit_columns_to_text(self.progress_view, range(1, len(columns)))
        fit_rows(self.progress_view, 8)
        fit_rows(self.ranking_view, 8)
