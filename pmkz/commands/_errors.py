"""The one error convention of every `pmkz` command: `pmkz <command>: error: <message>`
on stderr and a non-zero exit; never click's usage block, never a traceback.
"""
from __future__ import annotations

import click


class CommandError(click.ClickException):
    """Printed as one line, `pmkz <command>: error: <message>` (`pmkz: error:` for the group)."""

    def __init__(self, command: str | None, message: str, exit_code: int = 1):
        super().__init__(" ".join(str(message).split()))
        self.command = command
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        prefix = f"pmkz {self.command}" if self.command else "pmkz"
        click.echo(f"{prefix}: error: {self.message}", err=True)


class OneLineErrors(click.Command):
    """A command whose usage errors (unknown option, bad value, missing argument) are one
    line too, not click's usage block."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise CommandError(self.name, exc.format_message(), exc.exit_code) from None
