"""The Oversee charts as a person reads them: the lines, a point's tooltip, the words for a screen
reader, and the palette's colours in light and dark."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF
from PySide6.QtGui import QColor, QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QToolTip

from app.domain.models import Direction, SuccessMetric
from app.domain.oversight import MetricPoint, MetricTrack, Status
from app.ui.oversee.charts import MetricChart, SpendChart, nice_range

KICKOFF = date(2026, 7, 1)
METRIC = SuccessMetric(
    name="Conversion", unit="%", baseline=8.0, target=12.0, direction=Direction.UP,
    target_date=date(2027, 6, 30),
)
TRACK = MetricTrack(METRIC, [
    MetricPoint("2026-08", 8.4, 8.3, Status.ON_TRACK),
    MetricPoint("2026-09", 8.3, 8.7, Status.OFF_TRACK),
    MetricPoint("2026-10", None, 9.0, Status.NO_DATA),
])


def chart(qtbot: Any, palette: QPalette | None = None) -> MetricChart:
    c = MetricChart()
    if palette is not None:
        c.setPalette(palette)
    c.resize(520, 300)
    c.show_track(TRACK, KICKOFF)
    qtbot.addWidget(c)
    c.show()
    qtbot.waitExposed(c)
    c.grab()  # paints once: the plot area is known from then on
    return c


def test_metric_chart_draws_the_lines_and_the_measured_points(qtbot: Any) -> None:
    c = chart(qtbot)
    assert c.series_names() == ["Baseline", "Target", "Expected", "Actual", "On track", "Off track"]
    by_name = {s.name: s for s in c.series}
    # The expected line is the domain's trajectory: baseline at kickoff, target at the target date.
    assert [v for _, v in by_name["Expected"].points] == [8.0, 12.0]
    # A month without an actual is not drawn; each measured month is a dot in its status's series.
    assert [v for _, v in by_name["Actual"].points] == [8.4, 8.3]
    assert [v for _, v in by_name["On track"].points] == [8.4]
    assert [v for _, v in by_name["Off track"].points] == [8.3]
    assert c.title == "Conversion (%)"
    # The value axis covers every line, on round steps.
    lo, hi, step = c.y_range
    assert lo <= 8.0 and hi >= 12.0 and step in (0.5, 1.0)


def test_hovering_a_point_says_its_series_date_and_value(qtbot: Any) -> None:
    c = chart(qtbot)
    x, y = c.series[4].points[0]  # the on-track dot of 2026-08
    at = QPointF(c._x(x), c._y(y)).toPoint()
    found = c.point_at(QPointF(at))
    assert found is not None and found[0].name == "On track"
    QApplication.sendEvent(c, QHelpEvent(QEvent.Type.ToolTip, at, c.mapToGlobal(at)))
    qtbot.waitUntil(lambda: QToolTip.isVisible())
    assert "On track" in QToolTip.text() and "2026" in QToolTip.text() and "8.4" in QToolTip.text()
    QToolTip.hideText()
    # Far from any point, no tooltip.
    assert c.point_at(QPointF(2, 2)) is None


def test_a_screen_reader_hears_the_chart_in_words(qtbot: Any) -> None:
    c = chart(qtbot)
    words = c.accessibleDescription()
    assert words.splitlines()[0] == "Conversion (%)"
    assert "Actual: 2026-08-31 8.4, 2026-09-30 8.3" in words
    assert "Off track: 2026-09-30 8.3" in words


def test_the_chart_is_painted_in_the_palette_colours_light_and_dark(qtbot: Any) -> None:
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Base, QColor("#1e1f22")),
        (QPalette.ColorRole.Window, QColor("#2b2d30")),
        (QPalette.ColorRole.Text, QColor("#e6e6e6")),
        (QPalette.ColorRole.WindowText, QColor("#e6e6e6")),
        (QPalette.ColorRole.Highlight, QColor("#3d7be0")),
    ):
        dark.setColor(role, colour)
    for pal in (QApplication.palette(), dark):
        c = chart(qtbot, pal)
        image = c.grab().toImage()
        base = pal.color(QPalette.ColorRole.Base)
        # The chart's background (inside its rounded corner) is the palette's base colour …
        assert image.pixelColor(QPoint(c.width() - 6, 6)).name() == base.name()
        # … and the title is drawn in its text colour (some pixel of it, antialiased, is close).
        text = pal.color(QPalette.ColorRole.Text)
        row = [image.pixelColor(QPoint(x, 14)) for x in range(c.width())]
        assert any(abs(p.lightness() - text.lightness()) < 40 for p in row)


def test_spend_chart_shows_spent_quote_and_limit(qtbot: Any) -> None:
    c = SpendChart()
    qtbot.addWidget(c)
    c.show_spend([("2026-08", 30000.0, 60000.0), ("2026-09", 60000.0, 90000.0)], 0.25, "USD")
    assert c.series_names() == ["Spent", "Quote, pro rata", "Limit (+25 %)"]
    assert c.title == c.accessibleName() == "Spend to date against the quote (USD)"
    limit = c.series[2].points
    assert [v for _, v in limit] == [75000.0, 112500.0]
    assert c.y_range[0] == 0.0 and c.y_range[1] >= 112500.0
    # No quote: only what was spent.
    c.show_spend([("2026-08", 30000.0, None)], 0.25, "")
    assert c.series_names() == ["Spent"]


def test_nice_range_covers_the_values_on_round_steps() -> None:
    assert nice_range(7.5, 12.5) == (7.0, 13.0, 1.0)
    assert nice_range(0.0, 123000.0)[1] >= 123000.0
    lo, hi, step = nice_range(5.0, 5.0)  # a flat line still gets a range
    assert hi > lo and step > 0
