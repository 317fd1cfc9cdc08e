"""`diligence report` and `diligence review-report` as a person runs them: exit codes, messages, files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_ENGAGEMENT, DEMO_EVALUATION
from tests.report.helpers import page_texts, report_then


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True, text=True, timeout=120)


def test_report_and_summary(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    r = run("report", DEMO_EVALUATION, "--workspace", str(demo_path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 10_000
    summary = tmp_path / "summary.pdf"
    r = run("report", DEMO_EVALUATION, "--summary", "--workspace", str(demo_path), "--out", str(summary))
    assert r.returncode == 0, r.stderr
    assert len(page_texts(summary)) == 1


def test_unwritable_output_exits_2_and_leaves_nothing(demo_path: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    blocker = folder / "a-file"
    blocker.write_text("not a folder")
    for target in (folder / "missing" / "r.pdf", blocker / "r.pdf", folder):
        r = run("report", DEMO_EVALUATION, "--workspace", str(demo_path), "--out", str(target))
        assert r.returncode == 2, (target, r.stderr)
        assert r.stderr.startswith("diligence: ") and len(r.stderr.strip().splitlines()) == 1
        assert "Traceback" not in r.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["a-file"]


def test_unknown_evaluation_exits_2(demo_path: Path, tmp_path: Path) -> None:
    r = run("report", "No such evaluation", "--workspace", str(demo_path), "--out", str(tmp_path / "r.pdf"))
    assert r.returncode == 2
    assert "No such evaluation" in r.stderr


def test_review_report_latest_and_month(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.pdf"
    r = run("review-report", DEMO_ENGAGEMENT, "--workspace", str(demo_path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "NOVEMBER 2026" in page_texts(out)[0]
    r = run("review-report", DEMO_ENGAGEMENT, "--month", "2026-09", "--workspace", str(demo_path), "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "SEPTEMBER 2026" in page_texts(out)[0]


def test_review_report_unknown_month_exits_2(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "review.pdf"
    r = run("review-report", DEMO_ENGAGEMENT, "--month", "2031-01", "--workspace", str(demo_path), "--out", str(out))
    assert r.returncode == 2
    assert "2031-01" in r.stderr and "2026-10" in r.stderr
    assert not out.exists()


def test_the_report_command_loads_no_web_client_no_masked_arrays_and_no_image_library(
    demo_path: Path, tmp_path: Path
) -> None:
    """Start-up is a third of a report's time: modules the command never uses stay unloaded
    (XML escaping pulled in urllib.request with http.client, email and ssl; np.unique pulled in
    numpy.ma; ReportLab imports Pillow, which now loads only if something reads from it), and
    the PDF is still written."""
    out = tmp_path / "report.pdf"
    unwanted = ("urllib.request", "http.client", "email.parser", "ssl", "numpy.ma", "PIL._imaging", "PIL.ExifTags")
    r = report_then(demo_path, DEMO_EVALUATION, out,
                    f"print('LOADED', [m for m in {unwanted!r} if m in sys.modules], code)")
    assert "LOADED [] 0" in r.stdout, r.stdout[-500:] + r.stderr
    assert out.read_bytes().startswith(b"%PDF")


def test_pillow_deferred_still_works_when_used() -> None:
    code = (
        "import sys; from app.report.imaging import defer_pillow; assert defer_pillow();\n"
        "import reportlab.platypus; assert 'PIL._imaging' not in sys.modules;\n"
        "from reportlab.lib.utils import ImageReader; from PIL import Image; import io;\n"
        "buf = io.BytesIO(); Image.new('RGB', (3, 2), 'red').save(buf, 'PNG'); buf.seek(0);\n"
        "print('SIZE', ImageReader(buf).getSize())"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "SIZE (3, 2)" in r.stdout, r.stdout[-500:] + r.stderr
