"""Answer entry: questions by section, an editor fitting each type, and keyboard-first navigation."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QWidget,
)

from app.domain.bank import Question, QuestionType
from app.domain.wording import flag_rule_words, knockout_words, points_of_5, scoring_words
from app.ui.evaluate.models import AnswersModel, question_help

Index = QModelIndex | QPersistentModelIndex


def answer_choices(q: Question) -> list[tuple[str, str]]:
    """(value, label) pairs for a combo editor; the first is 'no answer'."""
    out = [("", "—")]
    if q.type is QuestionType.YES_NO:
        out += [("yes", "yes"), ("no", "no")]
    elif q.type is QuestionType.SCALE:
        out += [(str(i), f"{i} — {q.rubric[i]}" if i in q.rubric else str(i)) for i in range(6)]
    elif q.type is QuestionType.CHOICE:
        out += [(label, label) for label, _ in q.choices]
    if q.allow_na:
        out.append(("n/a", "n/a"))
    return out


def uses_combo(q: Question) -> bool:
    return q.type in (QuestionType.YES_NO, QuestionType.SCALE, QuestionType.CHOICE)


class AnswerDelegate(QStyledItemDelegate):
    """Combo for yes/no, scale and choice; a line edit for numbers, text and notes.

    Enter commits and moves to the next question, like Tab, so a column of answers can be
    typed without touching the mouse.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:  # noqa: N802
        model = index.model()
        assert isinstance(model, AnswersModel)
        q = model.question_at(index)
        assert q is not None
        if index.column() == AnswersModel.ANSWER and uses_combo(q):
            combo = QComboBox(parent)
            combo.setAccessibleName(self.tr("Answer to %1").replace("%1", q.id))
            for value, label in answer_choices(q):
                combo.addItem(label, value)
            combo.setToolTip(question_help(q, self.tr))
            return combo
        edit = QLineEdit(parent)
        if index.column() == AnswersModel.NOTE:
            edit.setAccessibleName(self.tr("Note on %1").replace("%1", q.id))
            edit.setPlaceholderText(self.tr("Note, evidence, source…"))
        else:
            edit.setAccessibleName(self.tr("Answer to %1").replace("%1", q.id))
            edit.setPlaceholderText(
                self.tr("A number") if q.type is QuestionType.NUMBER else self.tr("Free text")
            )
        return edit

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802 - Qt override
        value = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            i = editor.findData(value)
            editor.setCurrentIndex(max(i, 0))
        elif isinstance(editor, QLineEdit):
            # A key that opened the editor has already typed into it; keep that text.
            if not editor.text():
                editor.setText(value)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        elif isinstance(editor, QLineEdit):
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, editor: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and isinstance(editor, QWidget)
        ):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.EditNextItem)
            return True
        return super().eventFilter(editor, event)


class AnswersView(QTreeView):
    """A tree of sections and questions; typing a digit answers a scale, y/n a yes/no question."""

    quick_answer = Signal(str, str)  # question id, value

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Questions and answers"))
        self.setItemDelegate(AnswerDelegate(self))
        self.setTabKeyNavigation(True)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setAllColumnsShowFocus(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)

    def answers_model(self) -> AnswersModel:
        model = self.model()
        assert isinstance(model, AnswersModel)
        return model

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt override
        super().setModel(model)
        if isinstance(model, AnswersModel):
            model.modelReset.connect(self._after_reset)
            self._after_reset()

    def _after_reset(self) -> None:
        self.expandAll()
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(AnswersModel.QUESTION, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(AnswersModel.ANSWER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(AnswersModel.NOTE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(AnswersModel.OTHERS, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(AnswersModel.ANSWER, 170)
        self.setColumnWidth(AnswersModel.NOTE, 110)
        self.setColumnWidth(AnswersModel.OTHERS, 130)

    def first_question(self) -> None:
        indexes = self.answers_model().question_indexes()
        if indexes:
            self.setCurrentIndex(indexes[0])

    def go_to(self, qid: str) -> None:
        index = self.answers_model().index_of(qid, AnswersModel.ANSWER)
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def _step(self, current: QModelIndex, delta: int) -> QModelIndex:
        model = self.answers_model()
        indexes = model.question_indexes()
        if not indexes:
            return QModelIndex()
        q = model.question_at(current)
        if q is None:
            # On a section heading: its first question (or the previous section's last).
            section = current.row() if current.isValid() else 0
            for i, ix in enumerate(indexes):
                if ix.internalId() - 1 == section:
                    return indexes[i] if delta > 0 else indexes[max(i - 1, 0)]
            return indexes[0]
        pos = next(i for i, ix in enumerate(indexes) if model.question_at(ix) == q)
        return indexes[min(max(pos + delta, 0), len(indexes) - 1)]

    def moveCursor(  # noqa: N802 - Qt override
        self,
        cursorAction: QAbstractItemView.CursorAction,
        modifiers: Qt.KeyboardModifier,  # noqa: N803
    ) -> QModelIndex:
        # Tab and Shift+Tab walk questions (skipping section headings), landing on the answer.
        if cursorAction == QAbstractItemView.CursorAction.MoveNext:
            return self._step(self.currentIndex(), +1)
        if cursorAction == QAbstractItemView.CursorAction.MovePrevious:
            return self._step(self.currentIndex(), -1)
        return super().moveCursor(cursorAction, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        model = self.answers_model()
        current = self.currentIndex()
        q = model.question_at(current)
        text = event.text().lower()
        if (
            q is not None
            and self.state() != QAbstractItemView.State.EditingState
            and current.column() in (AnswersModel.QUESTION, AnswersModel.ANSWER)
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
            and model.flags(current.siblingAtColumn(AnswersModel.ANSWER))
            & Qt.ItemFlag.ItemIsEditable
        ):
            value = None
            if q.type is QuestionType.SCALE and text in {"0", "1", "2", "3", "4", "5"}:
                value = text
            elif q.type is QuestionType.YES_NO and text in {"y", "n"}:
                value = "yes" if text == "y" else "no"
            elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                value = ""
            if value is not None:
                self.quick_answer.emit(q.id, value)
                if value:
                    nxt = self._step(current, +1)
                    if nxt.isValid():
                        self.setCurrentIndex(nxt)
                        self.scrollTo(nxt)
                event.accept()
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.setCurrentIndex(current.siblingAtColumn(AnswersModel.ANSWER))
                self.edit(self.currentIndex())
                event.accept()
                return
            if current.column() == AnswersModel.QUESTION and text and text.isprintable():
                # Typing on the question text types the answer.
                self.setCurrentIndex(current.siblingAtColumn(AnswersModel.ANSWER))
        super().keyPressEvent(event)


def question_html(q: Question, tr: Any) -> str:
    """The side panel: the question, guidance for a good answer, and the rubric or options."""
    e = html.escape
    parts = [
        f"<p><b>{e(q.id)}</b> · {e(q.section)} · {e(q.layer.value)}</p>",
        f"<p>{e(q.question)}</p>",
    ]
    if q.guidance:
        parts.append(f"<p><i>{e(tr('Guidance'))}:</i> {e(q.guidance)}</p>")
    if q.type is QuestionType.SCALE:
        rows = "".join(
            f"<tr><td align='right'><b>{k}</b>&nbsp;</td><td>{e(v)}</td></tr>"
            for k, v in sorted(q.rubric.items())
        )
        parts.append(
            f"<p><i>{e(tr('Rubric (type the digit)'))}:</i></p><table>{rows}</table>"
            if rows
            else f"<p>{e(tr('Type a whole number from 0 to 5.'))}</p>"
        )
    elif q.type is QuestionType.CHOICE:
        items = "".join(f"<li>{e(label)} — {e(points_of_5(points))}</li>" for label, points in q.choices)
        parts.append(f"<p><i>{e(tr('Options'))}:</i></p><ul>{items}</ul>")
    elif q.type is QuestionType.NUMBER:
        parts.append(f"<p><i>{e(tr('A number'))}:</i> {e(scoring_words(q))}</p>")
    elif q.type is QuestionType.YES_NO:
        parts.append(
            f"<p>{e(tr('Type y or n.'))}{e(tr(' A “no” is the good answer.') if q.inverted else '')}</p>"
        )
    else:
        parts.append(f"<p>{e(tr('Free text; not scored, but red-flag rules read it.'))}</p>")
    extra = []
    if q.weight and q.type is not QuestionType.TEXT:
        extra.append(tr("weight %1").replace("%1", f"{q.weight:g}"))
    if q.allow_na:
        extra.append(tr("n/a allowed"))
    if extra:
        parts.append(f"<p>{e(' · '.join(extra))}</p>")
    rules = []
    if q.knockout_min is not None:
        rules.append(knockout_words(q.knockout_min))
    if q.flag is not None:
        rules.append(flag_rule_words(q.flag))
    if rules:
        parts.append(f"<p><i>{e(tr('Rules'))}:</i> {e('; '.join(rules))}.</p>")
    return "".join(parts)
