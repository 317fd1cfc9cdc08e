"""Benchmark: import a 5,000-question XLSX bank (budget 3 s). Run: python tests/exchange/bench_bank_import.py"""
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from app.domain.bank import Bank, make_question
from app.exchange.bank_files import bank_to_xlsx
from app.services.spreadsheets import import_bank_file
from app.store.workspace import open_workspace

qs = []
for i in range(5000):
    t = ["yes_no", "scale", "number", "choice", "text"][i % 5]
    row = {"id": f"Q{i:05d}", "section": f"Section {i % 12}", "layer": "data", "question": f"Question {i}: how do you handle case {i} in production, with evidence?",
           "type": t, "weight": 0 if t == "text" else 1 + i % 5, "guidance": "Good: specific, named customers. Bad: vague claims." * 2,
           "options": "Yes, live=5|Pilot=2|No=0" if t == "choice" else "", "scoring": ">=10:5; >=5:3; else:0" if t == "number" else ""}
    qs.append(make_question(row))
d = Path(tempfile.mkdtemp())
p = d / "big.xlsx"
p.write_bytes(bank_to_xlsx(Bank("Big", tuple(qs))))
print("file", p.stat().st_size // 1024, "KB")
ws = open_workspace(d / "ws")
times = []
for k in range(3):
    t0 = time.perf_counter()
    s = import_bank_file(ws, p, name=f"Big{k}")
    times.append(time.perf_counter() - t0)
print(s.message)
print("import times", [round(t, 2) for t in times])
