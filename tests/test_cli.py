"""The command line: every command documented and reachable with --help."""

import click
from click.testing import CliRunner

from salesops.cli import main


def _commands(group: click.Group, prefix=()):
    """Every (sub)command path of the CLI."""
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_every_command_has_help_text_and_answers_help():
    runner = CliRunner()
    for path in _commands(main):
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        command = main
        for part in path:
            command = command.commands[part]
        assert command.help and command.help.strip(), f"{' '.join(path)} has no help text"


def test_init_creates_and_upgrades_a_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = CliRunner().invoke(main, ["--db", url, "init"])
    assert result.exit_code == 0, result.output
    assert "revision" in result.output
