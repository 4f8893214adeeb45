from zkg.cli import cli

cli()
