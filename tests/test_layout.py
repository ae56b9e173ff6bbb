"""The layout keeps its promises (README.md, "Architecture"): each folder imports only what
its row of the table allows, no module imports itself in a circle, modules stay readable,
app notebooks only wire a page, and pyproject ships every package folder."""

from __future__ import annotations

import ast
import json
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 500  # migrations are exempt: each is one revision, read once
OUR_PACKAGES = ("salesops", "widgets", "bench")
# What the pages' components may use of salesops: words, errors, settings, calendar weeks
# and value parsing. Rules, reads and writes come through the data functions they are
# given (salesops.web.pagedata.PageData).
WIDGETS_MAY_USE = {"messages", "errors", "config", "weeks", "validate", "failures"}
# Room -> imports it must never make (a module name or any module under it).
FORBIDDEN = {
    "widgets": ["sqlalchemy", "pandas", "salesops.schema", "salesops.web", "salesops.cli"],
    "web": ["widgets", "salesops.cli"],
    "cli": ["widgets", "sqlalchemy", "salesops.schema"],
    "services": [
        "widgets",
        "salesops.web",
        "salesops.cli",
        "ipywidgets",
        "voila",
        "jupyter_server",
        "tornado",
        "click",
    ],
}


def tracked(*patterns: str) -> list[Path]:
    """The files git tracks that match `patterns`, as paths under the checkout."""
    out = subprocess.run(
        ["git", "ls-files", *patterns], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / p for p in out if (ROOT / p).exists()]


def module_name(path: Path) -> str:
    """salesops/web/serve.py -> salesops.web.serve; a package's __init__.py -> its name."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def our_modules() -> dict[str, Path]:
    """Every module of salesops, widgets and bench (migrations aside), by name."""
    files = [p for p in tracked(*(f"{pkg}/*.py" for pkg in OUR_PACKAGES))]
    return {module_name(p): p for p in files if "versions" not in p.parts}


def imports_of(path: Path, known: set[str], name: str | None = None) -> set[str]:
    """The modules a file (module `name`) imports, at the top or inside functions; relative
    imports resolved, and `from package import module` counted as that module."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return found - {name}


def room(name: str) -> str | None:
    """Which row of the Architecture table a module belongs to (None: no rule)."""
    if name.startswith("widgets"):
        return "widgets"
    if name.startswith("salesops.web"):
        return "web"
    if name.startswith("salesops.cli") or name == "salesops.__main__":
        return "cli"
    if name.startswith("salesops"):
        return "services"
    return None


def under(module: str, prefix: str) -> bool:
    """True when `module` is `prefix` or a module inside it."""
    return module == prefix or module.startswith(prefix + ".")


def test_no_module_is_over_500_lines_outside_migrations():
    long = {
        str(p.relative_to(ROOT)): n
        for p in tracked("*.py")
        if "versions" not in p.parts and (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules (at most {MAX_LINES} lines): {long}"


def circles(graph: dict[str, set[str]]) -> list[str]:
    """Every import circle of `graph` (module -> modules it imports), as "a -> b -> a"."""
    found, done = [], set()

    def visit(name: str, path: list[str]) -> None:
        for other in sorted(graph[name]):
            if other in path:
                found.append(" -> ".join(path[path.index(other) :] + [other]))
            elif other not in done:
                visit(other, [*path, other])
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    return found


def test_no_import_circles_among_our_modules():
    modules = our_modules()
    graph = {name: imports_of(path, set(modules)) & set(modules) for name, path in modules.items()}
    assert circles(graph) == [], "import circles: " + "; ".join(circles(graph))


def test_each_folder_imports_only_what_the_architecture_allows():
    modules = our_modules()
    broken = []
    for name, path in modules.items():
        kind = room(name)
        if kind is None:
            continue
        for imported in imports_of(path, set(modules)):
            if any(under(imported, bad) for bad in FORBIDDEN[kind]):
                broken.append(f"{name} ({kind}) imports {imported}")
            elif kind == "widgets" and under(imported, "salesops"):
                if imported.split(".")[1:2] and imported.split(".")[1] not in WIDGETS_MAY_USE:
                    broken.append(f"{name} (widgets) imports {imported}: go through PageData")
    assert broken == []


def test_the_checks_see_a_forbidden_import_and_a_circle(tmp_path):
    """The checks above can fail: a widget importing a service and the schema is caught,
    and so are two modules that import each other."""
    probe = tmp_path / "probe.py"
    probe.write_text("from salesops.orders import TRANSITIONS\nfrom salesops import schema\n")
    known = {"salesops.orders", "salesops.schema"}
    got = imports_of(probe, known, name="widgets.probe")
    assert got == {"salesops.orders", "salesops.schema"}
    assert room("widgets.probe") == "widgets" and "orders" not in WIDGETS_MAY_USE
    assert any(under("salesops.schema", bad) for bad in FORBIDDEN["widgets"])
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == ["a -> b -> c -> a"]


def test_app_notebooks_only_wire_a_page_in_at_most_four_cells():
    pages = tracked("notebooks/apps/*.ipynb")
    assert pages, "no app notebooks found"
    for page in pages:
        cells = json.loads(page.read_text())["cells"]
        assert len(cells) <= 4, f"{page.name}: {len(cells)} cells (at most 4)"
        code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        assert ".for_page(data)" in code, f"{page.name}: the page is not App.for_page(data)"
        assert "data = PageData.from_env()" in code, page.name
        for line in code.splitlines():
            assert len(line) <= 100, f"{page.name}: a long line; keep app cells short"
        tree = ast.parse(code)
        modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        strays = {m for m in modules if m != "salesops.web.pagedata" and not under(m, "widgets")}
        assert strays == set(), f"{page.name} imports {strays}: pages import PageData and widgets"
        defined = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)]
        assert defined == [], f"{page.name} defines code: move it into a component"


def test_pyproject_ships_every_package_folder_and_the_voila_config():
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    folders = {
        module_name(p)
        for p in tracked("salesops/*__init__.py", "widgets/*__init__.py")
        if p.name == "__init__.py"
    }
    assert set(setuptools["packages"]) == folders
    for package, patterns in setuptools["package-data"].items():
        folder = ROOT.joinpath(*package.split("."))
        for pattern in patterns:
            assert list(folder.glob(pattern)), f"{package}: nothing matches {pattern}"
