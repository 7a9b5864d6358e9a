"""Release commands: publishing to the Hub and comparing revisions."""

from __future__ import annotations

import typer

app = typer.Typer()
