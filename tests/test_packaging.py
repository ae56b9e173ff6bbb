"""The project's own files agree with each other: dependencies, CI, notebooks."""

import json
import re
import subprocess
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    """The bare package name of a requirement like 'psycopg[binary]>=3.1'."""
    return re.split(r"[\[<>=!~ ]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_mirrors_pyproject_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == wanted


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make app" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_committed_notebooks_have_no_outputs():
    tracked = subprocess.run(
        ["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    dirty = []
    for path in tracked:
        if not (ROOT / path).exists():
            continue
        nb = json.loads((ROOT / path).read_text())
        if any(c.get("outputs") or c.get("execution_count") for c in nb["cells"]):
            dirty.append(path)
    assert dirty == [], f"strip outputs (nbstripout) from: {dirty}"


def test_no_database_files_are_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert [p for p in tracked if re.search(r"\.(db|sqlite3?|db-wal|db-shm)$", p)] == []


def test_the_data_folder_is_in_a_clone_and_only_its_readme_is_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == ["data/README.md"]
    ignored = subprocess.run(
        ["git", "check-ignore", "data/README.md", "data/salesops.db", "data/.cookie_secret"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert ignored == ["data/salesops.db", "data/.cookie_secret"]
