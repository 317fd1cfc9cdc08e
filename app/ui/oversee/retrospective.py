"""Closing the loop: each promise beside what happened, and the evaluation's section scores beside
the outcome, so an evaluation team sees which questions predicted delivery."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.conversations import Retrospective
from app.domain.evaluation import format_total
from app.ui.widgets.page import hint
from app.ui.widgets.verdict import VerdictChip


class RetrospectiveView(QScrollArea):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("retrospective")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.setWidget(body)
        v = QVBoxLayout(body)
        v.setContentsMargins(0, 4, 8, 8)
        self.outcome = QLabel()
        self.outcome.setObjectName("retroOutcome")
        v.addWidget(self.outcome)
        v.addWidget(hint(self.tr(
            "Each promise the partner made during the evaluation, beside what happened. Read with the section "
            "scores below: which parts of the evaluation predicted delivery, and which did not."
        )))
        box = QGroupBox(self.tr("Promised against what happened"))
        bv = QVBoxLayout(box)
        self.promises = self._table([self.tr("Promise"), self.tr("Promised"), self.tr("What happened"), self.tr("Kept")])
        self.promises.setObjectName("retroPromises")
        bv.addWidget(self.promises)
        v.addWidget(box)
        sbox = QGroupBox(self.tr("The evaluation's section scores for this partner, at selection"))
        sv = QVBoxLayout(sbox)
        self.sections = self._table([self.tr("Section"), self.tr("Score (0–100)")])
        self.sections.setObjectName("retroSections")
        sv.addWidget(self.sections)
        v.addWidget(sbox)
        v.addStretch(1)

    def _table(self, headers: list[str]) -> QTableWidget:
        t = QTableWidget(0, len(headers))
        t.setHorizontalHeaderLabels(headers)
        t.verticalHeader().hide()
        t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        t.setWordWrap(True)
        header = t.horizontalHeader()
        for c in range(len(headers)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if c < 3 else QHeaderView.ResizeMode.ResizeToContents)
        return t

    def show_retrospective(self, retro: Retrospective | None) -> None:
        self.promises.setRowCount(0)
        self.sections.setRowCount(0)
        if retro is None:
            self.outcome.setText("")
            return
        self.outcome.setText(self.tr("Outcome so far: {c}").replace("{c}", self.tr(retro.conversation.words)))
        for line in retro.promises:
            r = self.promises.rowCount()
            self.promises.insertRow(r)
            for c, text in enumerate((line.promise, line.promised, line.delivered)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.promises.setItem(r, c, item)
            if line.kept is None:
                kind, word = "", self.tr("too early")
            elif line.kept:
                kind, word = "on track", self.tr("kept")
            else:
                kind, word = "off track", self.tr("not kept")
            self.promises.setCellWidget(r, 3, VerdictChip(kind, word))
        self.promises.resizeRowsToContents()
        self.promises.setMinimumHeight(min(420, 30 + sum(self.promises.rowHeight(i) for i in range(self.promises.rowCount()))))
        for name, score in retro.sections:
            r = self.sections.rowCount()
            self.sections.insertRow(r)
            self.sections.setItem(r, 0, QTableWidgetItem(name))
            self.sections.setItem(r, 1, QTableWidgetItem(format_total(score)))
        self.sections.setMinimumHeight(min(320, 30 + 30 * self.sections.rowCount()))
