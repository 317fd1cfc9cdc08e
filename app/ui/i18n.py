"""The app's translations: for now the English plural forms of counted strings ("1 review", "2 reviews").

Counted strings are written `self.tr("%n review(s)", "", n)`; without a translation Qt would show
"1 review(s)". `scripts/translations.py` keeps resources/i18n/ in step with the code.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from app.paths import resources_dir

_installed: list[QTranslator] = []


def install_translations(app: QCoreApplication) -> bool:
    """Load the app's translation for the UI language (English plurals as the fallback); once per app."""
    if _installed and _installed[0].parent() is app:
        return True
    folder = resources_dir() / "i18n"
    translator = QTranslator(app)
    loaded = translator.load(QLocale(), "diligence", "_", str(folder)) or translator.load(
        str(folder / "diligence_en.qm")
    )
    if not loaded:
        return False
    app.installTranslator(translator)
    _installed[:] = [translator]
    return True


def rule_title(rule: str) -> str:
    """A red-flag rule's name on screen, in words (app.domain.wording), through the translator."""
    from app.domain.wording import rule_title as words

    return QCoreApplication.translate("RedFlag", words(rule))
