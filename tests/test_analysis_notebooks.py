"""Every analyst notebook runs top to bottom on the demo data, and is committed stripped."""

from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

# Each notebook runs in a kernel of its own on the demo data.
pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks" / "analysis").glob("*.ipynb"))


def with_parameters(book, **values):
    """`book` with an injected-parameters cell after its parameters cell (as papermill does)."""
    cell = nbformat.v4.new_code_cell("\n".join(f"{k} = {v!r}" for k, v in values.items()))
    cell.metadata["tags"] = ["injected-parameters"]
    book.cells.insert(1, cell)
    return book


@pytest.fixture(scope="module")
def demo_url(demo_templates, tmp_path_factory):
    """A SQLite copy of the default demo data for the notebooks (the API is tested on both DBs)."""
    return demo_templates.copy_url("sqlite", tmp_path_factory.mktemp("notebooks"))


@pytest.fixture(scope="module")
def kernel():
    """One Python kernel for all notebooks (imports stay warm); each run starts with %reset."""
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    yield km
    km.shutdown_kernel(now=True)


def test_there_are_seven_numbered_notebooks():
    assert [p.name[:3] for p in NOTEBOOKS] == [f"0{i}_" for i in range(1, 8)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stripped_and_starts_with_parameters(path):
    book = nbformat.read(path, as_version=4)
    assert "parameters" in book.cells[0].metadata.get("tags", []), "first cell must be parameters"
    assert "db_url = None" in book.cells[0].source
    for cell in book.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: outputs committed (run nbstripout)"
            assert cell.execution_count is None, f"{path.name}: execution count committed"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_on_the_demo_data(path, demo_url, kernel):
    book = with_parameters(nbformat.read(path, as_version=4), db_url=demo_url)
    book.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))  # no names from the last one
    client = NotebookClient(
        book, km=kernel, timeout=120, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()  # raises CellExecutionError (with the traceback) on any failing cell
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    plotly = [o for o in outputs if "application/vnd.plotly.v1+json" in o.get("data", {})]
    assert plotly, "expected at least one interactive Plotly chart"


def test_nbstripout_would_change_no_notebook():
    import subprocess
    import sys

    nbstripout = Path(sys.executable).parent / "nbstripout"
    result = subprocess.run(
        [str(nbstripout), "--verify", *map(str, NOTEBOOKS)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
