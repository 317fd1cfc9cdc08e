"""ReportLab's web-address pattern is compiled on first use, not when a report starts
(app/report/startup.py): ~25 ms of every `diligence report`, and the pattern behaves the same."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import DEMO_EVALUATION
from tests.report.helpers import report_then


def test_a_report_never_compiles_the_web_address_pattern(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    r = report_then(demo_path, DEMO_EVALUATION, out,
                    "from reportlab.platypus import paragraph; from app.report.startup import LazyPattern\n"
                    "p = paragraph.uri_pat; print('LAZY', isinstance(p, LazyPattern) and p._compiled is None, code)")
    assert "LAZY True 0" in r.stdout, r.stdout[-500:] + r.stderr[-1500:]
    assert out.read_bytes().startswith(b"%PDF")


def test_the_deferred_pattern_matches_as_reportlab_compiled_it() -> None:
    code = (
        "import re, sys\n"
        "from app.report.startup import defer_uri_pattern, LazyPattern\n"
        "assert defer_uri_pattern() and not defer_uri_pattern()  # once, before ReportLab's own import\n"
        "assert re.compile is re.__dict__['compile'] and re.compile.__module__ == 're'\n"
        "from reportlab.platypus import paragraph\n"
        "lazy = paragraph.uri_pat; assert isinstance(lazy, LazyPattern)\n"
        "real = re.compile(lazy.pattern, lazy.flags)\n"
        "for uri in ['https://example.com/a/b?c=1', 'ftp://10.0.0.1/x', 'mailto:x', 'no uri', 'http://münchen.de/']:\n"
        "    m, n = lazy.match(uri), real.match(uri)\n"
        "    assert (m and m.groups()) == (n and n.groups()), uri\n"
        "print('SPLIT', paragraph._uri_split_pairs('https://example.com/a/b'))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-1500:]
    assert "SPLIT [('https://example.com/a/', 'b'), ('https://example.com/', 'a/b')," in r.stdout
    assert re.compile  # the test process's own re is untouched
