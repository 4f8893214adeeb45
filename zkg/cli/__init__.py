"""The ``zkg`` command line: one click group; each sub-module adds its commands.

Only this package reads arguments and writes files; the logic lives in ``kg_build`` and ``zkg``.
A command's module is imported when the command is run (``zkg query`` does not load the build,
SHACL or NetworkX), or when the group lists its commands (``zkg --help``).
"""

from __future__ import annotations

import importlib

import click

__all__ = ["cli", "all_commands"]

#: command name -> the module of zkg.cli that declares it (with ``@cli.command``).
MODULES = {"build": "build", "audit": "build", "query": "query", "load": "query", "push": "query", "serve": "serve",
           "site": "serve", "search": "explore", "show": "explore", "paragraph": "explore", "network": "network",
           "viz": "network", "synth": "synth"}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in MODULES:
            importlib.import_module(f"zkg.cli.{MODULES[cmd_name]}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zhaotong-kg")
def cli() -> None:
    """zhaotong-kg: a knowledge graph of education reform in Zhaotong (昭通市).

    \b
    Example:
        zkg build && zkg query alliance-members
    """


def all_commands() -> dict[str, click.Command]:
    """Every command of ``zkg`` by name, each module loaded (for the docs and their tests)."""
    with click.Context(cli) as ctx:
        found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}
