"""The order to import a page module's dependencies in, one at a time, read from the sources.

The main window imports the page modules during idle time after start-up (`MainWindow._warm_up`).
Importing one page module in one go ran all of its not yet loaded dependencies in one turn of
the event loop (the Evaluate page: ~120 ms on a busy machine, a stall of its own). The plan lists
every module a page imports at its top level, each after the modules it imports, so they can be
imported a few per idle turn, each a few milliseconds. Nothing is imported to make the plan: it
reads the import statements of the source files (on a worker thread). Pure Python, no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import app

ROOT = Path(app.__file__).resolve().parent


def _source(name: str) -> Path | None:
    """The source file of the app module `name`, or None (not the app's, or not a file)."""
    parts = name.split(".")
    if parts[0] != "app":
        return None
    base = ROOT.joinpath(*parts[1:])
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


# An import statement at the start of a line (the module's top level; indented ones are in a
# function, an `if TYPE_CHECKING:` or a `try:`): `import a.b` or `from a import b, c` (or `(…)`).
_IMPORT = re.compile(r"^(?:from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n]*)|import[ \t]+([^\n#]+))", re.M)


_NAME = re.compile(r"[A-Za-z_][\w.]*")


def _imported(name: str, path: Path) -> list[str]:
    """The modules `name` imports at its top level. Read with a pattern, not parsed: a parse of
    every source the pages import took ~0.2 s of a worker's CPU, time the GUI thread shares."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[str] = []
    for match in _IMPORT.finditer(path.read_text(encoding="utf-8")):
        module, names, plain = match.groups()
        if plain is not None:
            names_ = (part.split(" as ")[0].strip() for part in plain.split(","))
            found += [n for n in names_ if _NAME.fullmatch(n)]  # (not a docstring's "import of …")
            continue
        if module.startswith("."):  # relative: from the package, up one more per extra dot
            level = len(module) - len(module.lstrip("."))
            base = package.rsplit(".", level - 1)[0] if level > 1 else package
            module = f"{base}.{module.lstrip('.')}" if module.strip(".") else base
        if module == "__future__":
            continue
        found.append(module)
        # `from app.ui import theme`: theme may be a module of its own.
        for part in names.strip("()").split(","):
            alias = part.split("#")[0].split(" as ")[0].strip()
            if alias and _source(f"{module}.{alias}"):
                found.append(f"{module}.{alias}")
    return found


def import_plan(roots: Iterable[str], loaded: Iterable[str] = ()) -> list[str]:
    """Every module importing `roots` would load that is not in `loaded`, each after the modules
    it imports (packages before their modules), the roots last. Modules outside the app (PySide6,
    numpy …) are listed but not looked into."""
    done = set(loaded)
    order: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name in done:
            return
        seen.add(name)
        parts = name.split(".")
        for i in range(1, len(parts)):  # a module's packages are imported first
            visit(".".join(parts[:i]))
        path = _source(name)
        if path is not None:
            for dependency in _imported(name, path):
                visit(dependency)
        order.append(name)

    for root in roots:
        visit(root)
    return order
