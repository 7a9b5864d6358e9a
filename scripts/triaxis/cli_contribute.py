"""Contributor and maintainer commands: new records, review states, withdrawals."""

from __future__ import annotations

import typer

app = typer.Typer()
