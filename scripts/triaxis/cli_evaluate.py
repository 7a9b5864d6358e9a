"""Benchmark commands: scoring predictions, label crosswalks, exports, baselines and statistics."""

from __future__ import annotations

import typer

app = typer.Typer()
