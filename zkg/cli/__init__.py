"""The ``zkg`` command line: one click group; each sub-module adds its commands.

Only this package reads arguments and writes files; the logic lives in ``kg_build`` and ``zkg``.
"""

import click

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="zhaotong-kg")
def cli() -> None:
    """zhaotong-kg: a knowledge graph of education reform in Zhaotong (昭通市).

    \b
    Example:
        zkg build && zkg query alliance-members
    """


# Command modules register themselves on import (each owns its file).
from zkg.cli import build, explore, network, query, serve  # noqa: E402,F401
