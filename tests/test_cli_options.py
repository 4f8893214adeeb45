"""Options that several commands share are declared once (zkg.cli.options): the same name means the
same thing, with the same help, wherever it appears."""

from __future__ import annotations

import click

from zkg.cli import all_commands
from zkg.cli.options import FORMAT_HELP

# Options declared in one command on purpose: the same name means something else there.
OWN = {("push", "--endpoint"), ("push", "--timeout"), ("serve", "--timeout"), ("synth", "--out"),
       ("load", "--force"), ("site", "--force")}
# Options whose help says what the command does with them (a seed of a layout or of a sample, the file
# written), declared by one decorator each.
WORDED = {"--seed", "--output"}


def _commands(commands: dict[str, click.Command] | None = None, prefix: str = ""):
    for name, command in (all_commands() if commands is None else commands).items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from _commands(command.commands, f"{prefix}{name} ")


def test_a_shared_option_has_one_help_everywhere():
    helps: dict[str, dict[str, str]] = {}
    for path, command in _commands():
        for param in command.params:
            if isinstance(param, click.Option) and (path, param.opts[-1]) not in OWN:
                helps.setdefault(param.opts[-1], {})[path] = param.help or ""
    shared = {name: by for name, by in helps.items() if len(by) > 1 and name not in WORDED}
    assert {"--graph-dir", "--engine", "--endpoint", "--timeout", "--format", "--wide"} <= set(shared)
    for name, by in shared.items():
        if name == "--format":  # the table formats, and more for a command that prints graphs
            assert all(h.startswith(FORMAT_HELP) for h in by.values()), by
        else:
            assert len(set(by.values())) == 1, f"{name} is declared with different help: {by}"


def test_each_command_lives_in_the_module_the_group_loads_it_from():
    """zkg.cli.MODULES (which module to import for a command) agrees with where each command is declared."""
    from zkg.cli import MODULES, cli

    for module in set(MODULES.values()):
        __import__(f"zkg.cli.{module}")
    assert set(cli.commands) == set(MODULES)
    for name, command in cli.commands.items():
        assert command.callback.__module__ == f"zkg.cli.{MODULES[name]}", name
