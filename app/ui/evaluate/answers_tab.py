"""Evaluate ▸ Answers: one evaluator scores one vendor, blind until they submit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.services import evaluation_view as view
from app.services import team
from app.services.changes import Changes
from app.services.live import LiveEvaluation
from app.services.session import EvaluationSession
from app.ui import theme
from app.ui.evaluate.answers_view import AnswersView, question_html
from app.ui.evaluate.models import AnswerCell, AnswersModel
from app.ui.evidence.answer_evidence import AnswerEvidence
from app.ui.widgets.allowed import allow
from app.ui.widgets.eliding import ElidingComboBox
from app.ui.widgets.page import hint
from app.ui.widgets.qt import set_bar_value

if TYPE_CHECKING:
    from app.ui.evaluate.page import Page


class AnswersTab(QWidget):
    """Who scores which vendor, where they stand, the questions with their answers, and the guide."""

    def __init__(self, page: Page) -> None:
        super().__init__()
        self.page = page
        # (evaluation, evaluator, vendor) whose answers the model holds.
        self._key: tuple[int, str, str] | None = None
        self.evaluator = ElidingComboBox()
        self.evaluator.setAccessibleName(self.tr("I am (evaluator)"))
        self.evaluator.activated.connect(lambda _i: self.selection_changed())
        self.answer_vendor = ElidingComboBox()
        self.answer_vendor.setAccessibleName(self.tr("Vendor to score"))
        self.answer_vendor.activated.connect(lambda _i: self.selection_changed())
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Answered questions"))
        self.progress.setFormat(self.tr("%v / %m answered"))
        self.progress.setMinimumWidth(150)
        self.progress.setMaximumWidth(190)
        self.submit = QPushButton(self.tr("&Submit my scoring"))
        self.submit.setToolTip(
            self.tr("After submitting you see the other evaluators' scores and disagreements.")
        )
        self.submit.clicked.connect(lambda: self.submit_scoring())
        # Who scores which vendor on the first line (names can be long); where they stand and
        # the submit button on the second, next to what submitting means.
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("I am")))
        bar.addWidget(self.evaluator, 2)
        bar.addSpacing(8)
        bar.addWidget(QLabel(self.tr("scoring")))
        bar.addWidget(self.answer_vendor, 3)
        bar.addStretch(1)
        for combo in (self.evaluator, self.answer_vendor):
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        self.blind = QLabel()
        self.blind.setWordWrap(True)
        status = QHBoxLayout()
        status.addWidget(self.blind, 1)
        status.addWidget(self.progress)
        status.addWidget(self.submit)
        self.answers_model = AnswersModel(self)
        self.answers_model.on_edit = self.record
        self.answers = AnswersView()
        self.answers.setModel(self.answers_model)
        self.answers.quick_answer.connect(lambda qid, value: self.record(qid, value, None))
        self.answers.selectionModel().currentChanged.connect(lambda *_: self._show_question())
        self.guide = QTextBrowser()
        self.guide.setAccessibleName(self.tr("Guidance and rubric"))
        self.guide.setMinimumHeight(90)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setObjectName("answerError")
        pal = self.error.palette()
        pal.setColor(QPalette.ColorRole.WindowText, theme.tone("critical"))
        self.error.setPalette(pal)
        # Under the questions: the guide, the answer's citations, and where the vendor's
        # documents answer the question (app/ui/evidence/answer_evidence.py).
        self.evidence = AnswerEvidence(self)
        self.below = QTabWidget()
        self.below.setDocumentMode(True)
        self.below.addTab(self.guide, self.tr("&Guide"))
        self.below.addTab(self.evidence.citations, self.tr("&Citations"))
        self.below.addTab(self.evidence.passages, self.tr("&Where is this answered?"))
        self.below.currentChanged.connect(
            lambda i: self.evidence.set_search_wanted(self.below.widget(i) is self.evidence.passages)
        )
        self.evidence.citations_changed.connect(self._show_citation_count)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.answers)
        split.addWidget(self.below)
        split.setSizes([420, 150])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(status)
        layout.addWidget(split, 1)
        layout.addWidget(self.error)
        layout.addWidget(
            hint(
                self.tr(
                    "Keyboard: type 0–5 for a scale and y/n for yes/no; Enter edits other answers; "
                    "Tab or Enter moves to the next question; Delete clears."
                )
            )
        )

    # ----- what is shown ------------------------------------------------------------------

    def current_evaluator(self) -> str | None:
        data = self.evaluator.currentData()
        return str(data) if data else None

    def current_vendor(self) -> str | None:
        data = self.answer_vendor.currentData()
        return str(data) if data else None

    def forget(self) -> None:
        """Another evaluation opens: the answers shown must be read again."""
        self._key = None

    def set_busy(self, busy: bool) -> None:
        for w in (self.evaluator, self.answer_vendor):
            w.setEnabled(not busy)
        if self._scoring_member():
            self.evaluator.setEnabled(False)  # on a team workspace "I am" is the login's person

    def _scoring_member(self) -> bool:
        """On a team workspace, whether my login's person is an evaluator of this evaluation (then
        "I am" is fixed to it); a viewer, or a lead who does not score, picks whose answers to read."""
        member, live = self.page.ctx.member, self.page.live
        return member is not None and live is not None and member.person in {e.name for e in live.snapshot.evaluators}

    def fill(self, live: LiveEvaluation) -> None:
        """The evaluators and vendors of a freshly loaded evaluation."""
        snap = live.snapshot
        member = self.page.ctx.member
        _fill_combo(self.evaluator, [e.name for e in snap.evaluators], member.person if member else live.evaluator)
        if member is not None and member.person in {e.name for e in snap.evaluators}:
            self.evaluator.setEnabled(False)
            self.evaluator.setToolTip(
                self.tr("On a team workspace you are %1, the person of your login %2.")
                .replace("%1", member.person).replace("%2", member.login))
        elif member is not None:
            self.evaluator.setEnabled(True)
            self.evaluator.setToolTip(self.tr(
                "You (%1) do not score this evaluation: choose whose answers to read. An evaluator's "
                "answers show once they have submitted.").replace("%1", member.person))
        self.page.ctx.current_evaluator = self.evaluator.currentData()
        _fill_combo(self.answer_vendor, [v.name for v in snap.vendors])

    def _may_answer_as(self, evaluator: str | None) -> bool:
        """Not read-only, and on a team workspace: my role enters answers and they are mine."""
        ctx = self.page.ctx
        member = ctx.member
        return not ctx.read_only and ctx.may(team.ANSWER) and (member is None or evaluator == member.person)

    def selection_changed(self, force: bool = True) -> None:
        page = self.page
        live = page.live
        if live is None or page.evaluation_id is None:
            return
        snap = live.snapshot
        evaluator, vendor = self.current_evaluator(), self.current_vendor()
        page.ctx.current_evaluator = evaluator
        if evaluator != live.evaluator:
            # Another evaluator sees other totals (blind scoring): rescore on a worker, and
            # meanwhile show no totals at all rather than the previous evaluator's.
            page.results_panel.clear()
            page.start_load(lambda: live.for_evaluator(evaluator), self._evaluator_loaded)
        key = (page.evaluation_id, evaluator or "", vendor or "")
        others = live.other_answers(vendor, evaluator) if evaluator and vendor else None
        disagreements: set[str] = set()
        if others is not None and vendor and evaluator == live.evaluator:
            disagreements = live.disagreements(vendor)
        if key != self._key or force:
            mine = live.answers_of(vendor, evaluator) if evaluator and vendor else {}
            cells = {qid: AnswerCell(a.value, a.note) for qid, a in mine.items()}
            editable = bool(evaluator and vendor) and self._may_answer_as(evaluator)
            current = self.answers_model.question_at(self.answers.currentIndex())
            self.answers_model.load(snap.bank.questions, cells, others, disagreements, editable)
            self._key = key
            if current is not None:
                self.answers.go_to(current.id)
            else:
                self.answers.first_question()
            if force and evaluator == live.evaluator:
                page.update_results()
        else:
            self.answers_model.set_others(others, disagreements)
        self.update_header()
        self.evidence.refresh(force=force)

    def _evaluator_loaded(self, live: LiveEvaluation) -> None:
        page = self.page
        if live.evaluation_id != page.evaluation_id or live.evaluator != self.current_evaluator():
            return
        page.live = live
        page.set_busy(False)
        vendor = self.current_vendor()
        if vendor and live.evaluator:
            self.answers_model.set_others(
                live.other_answers(vendor, live.evaluator), live.disagreements(vendor)
            )
        page.update_results()

    def update_header(self) -> None:
        live = self.page.live
        evaluator, vendor = self.current_evaluator(), self.current_vendor()
        if live is None or not evaluator or not vendor:
            # Nothing to measure yet: no bar (a "0 / 1 answered" would be made up).
            self.progress.setVisible(False)
            self.submit.setEnabled(False)
            self.blind.setText(self._missing_text(live))
            return
        self.progress.setVisible(True)
        snap = live.snapshot
        p = live.progress.get((evaluator, vendor), view.Progress(0, len(snap.bank.questions)))
        self.progress.setRange(0, max(p.total, 1))
        set_bar_value(self.progress, p.answered)
        submitted = view.has_submitted(snap, evaluator)
        allow(self.submit, self.page.ctx.why_not(team.ANSWER), not submitted and self._may_answer_as(evaluator))
        self.submit.setText(self.tr("Submitted") if submitted else self.tr("&Submit my scoring"))
        waiting = [w for w in view.submission_status(snap)[1] if w != evaluator]
        member = self.page.ctx.member
        if member is not None and evaluator != member.person:  # reading a colleague's answers
            self.blind.setText(
                (self.tr("Reading the answers of %1, who has submitted.") if submitted
                 else self.tr("%1 is still scoring: their answers stay hidden until they submit."))
                .replace("%1", evaluator))
            return
        self.blind.setText(
            (
                self.tr(
                    "You have submitted. The answers of evaluators who have submitted are shown; still scoring, "
                    "so still hidden: %1."
                ).replace("%1", ", ".join(waiting))
                if waiting
                else self.tr("You have submitted: other evaluators' answers and disagreements are shown.")
            )
            if submitted
            else self.tr(
                "Blind scoring: you see only your own answers and totals until you press “Submit my scoring”."
            )
        )

    def _missing_text(self, live: LiveEvaluation | None) -> str:
        """What scoring still needs, naming only what is really missing."""
        if live is None:
            return ""
        no_vendors, no_evaluators = not live.snapshot.vendors, not live.snapshot.evaluators
        if no_vendors and no_evaluators:
            return self.tr(
                "Add a vendor (Vendors tab) and an evaluator (Add evaluator…) to start scoring."
            )
        if no_vendors:
            return self.tr("Add a vendor on the Vendors tab to start scoring.")
        if no_evaluators:
            return self.tr("Add an evaluator (Add evaluator…) to start scoring.")
        return self.tr("Choose who you are and which vendor you are scoring.")

    def show_vendor_progress(self, live: LiveEvaluation) -> None:
        """Each vendor in the combo with how far the current evaluator has got."""
        evaluator = live.evaluator
        if not evaluator:
            return
        for i in range(self.answer_vendor.count()):
            v = self.answer_vendor.itemData(i)
            p = live.progress.get((evaluator, v))
            self.answer_vendor.setItemText(i, f"{v}  ({p.answered}/{p.total})" if p else v)

    def _show_question(self) -> None:
        q = self.answers_model.question_at(self.answers.currentIndex())
        self.guide.setHtml(question_html(q, self.tr) if q else "")
        self.evidence.refresh()

    def _show_citation_count(self, count: int) -> None:
        index = self.below.indexOf(self.evidence.citations)
        self.below.setTabText(
            index, self.tr("&Citations (%1)").replace("%1", str(count)) if count else self.tr("&Citations")
        )

    # ----- edits --------------------------------------------------------------------------

    def record(self, qid: str, value: str, note: str | None) -> bool:
        """Save one answer through the undo stack; a refused value shows the service's message."""
        page = self.page
        evaluator, vendor, session = self.current_evaluator(), self.current_vendor(), page.session
        if not evaluator or not vendor or session is None:
            return False
        previous: dict[str, Any] = {}
        # Whether the session put the saved answer into the scores in memory (no load pending).
        applied: dict[str, bool] = {}

        def apply() -> Changes:
            applied["now"] = session.current
            change, changes = session.record_answer(vendor, evaluator, qid, value or None, note)
            previous.setdefault("value", change.before)
            previous.setdefault("note", change.before_note)
            return changes  # announced with what was saved (Compare applies it in place)

        def revert() -> Changes:
            applied["now"] = session.current
            return session.record_answer(vendor, evaluator, qid, previous["value"], previous["note"] or "")[1]

        def done(undone: bool) -> None:
            self._answer_saved(session, vendor, evaluator, qid, undone, applied.get("now", False))

        error = page.push(
            self.tr("Answer %1 for %2").replace("%1", qid).replace("%2", vendor),
            apply,
            revert,
            done,
            Changes(evaluation=session.evaluation_id, answers=True),
        )
        self.error.setText(
            self.tr("%1: %2").replace("%1", qid).replace("%2", error) if error else ""
        )
        return error is None

    def _answer_saved(
        self, session: EvaluationSession, vendor: str, evaluator: str, qid: str, undone: bool, applied: bool
    ) -> None:
        page = self.page
        if session is not page.session:
            return
        live = session.live
        if live is None or not applied:
            # A load in flight may have read the database before this edit: read again.
            page.reload()
            return
        # The session put the saved answer into one cell of the ScoreBoard; show it.
        if (vendor, evaluator) == (self.current_vendor(), self.current_evaluator()):
            mine = live.answer(vendor, evaluator, qid)
            self.answers_model.set_answer(
                qid, mine.value if mine else "", mine.note if mine else ""
            )
            if undone:
                self.answers.go_to(qid)
        self.update_header()
        page.update_results()

    def submit_scoring(self) -> None:
        page = self.page
        evaluator, live = self.current_evaluator(), page.live
        if not evaluator or page.evaluation_id is None or live is None:
            return
        missing = [
            v.name
            for v in live.snapshot.vendors
            if not live.progress.get((evaluator, v.name), view.Progress(0, 0)).complete
        ]
        text = self.tr(
            "Submit %1's scoring? You will then see the other evaluators' scores."
        ).replace("%1", evaluator)
        if missing:
            text += "\n\n" + self.tr("Not every question is answered yet for: %1.").replace(
                "%1", ", ".join(missing)
            )
        if (
            QMessageBox.question(self, self.tr("Submit my scoring"), text)
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.set_submitted(evaluator, True)

    def set_submitted(self, evaluator: str, submitted: bool) -> bool:
        page = self.page
        eid = page.evaluation_id
        if eid is None:
            return False
        session = page.session
        assert session is not None
        error = page.push(
            self.tr("Submit %1's scoring").replace("%1", evaluator),
            lambda: session.set_submitted(evaluator, submitted),
            lambda: session.set_submitted(evaluator, not submitted),
            lambda _u: page.reload() if eid == page.evaluation_id else None,
            Changes(evaluation=eid, evaluators=True),
        )
        return error is None


def _fill_combo(combo: QComboBox, names: list[str], prefer: str | None = None) -> None:
    current = prefer if prefer in names else combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for n in names:
        combo.addItem(n, n)
    combo.setCurrentIndex(max(combo.findData(current), 0) if names else -1)
    combo.blockSignals(False)
