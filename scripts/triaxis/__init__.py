"""TriAxis: a fact-check dataset of claims about the Russia–Pakistan–China alignment, and its tools."""

__version__ = "0.1.0"
