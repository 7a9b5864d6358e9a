"""TriAxis: a fact-check dataset of claims about the Russia–Pakistan–China alignment, and its tools.

The dataset's semantic version is the package version declared once in pyproject.toml; the
installed distribution's metadata carries it here, and CITATION.cff and the card repeat it (a test
checks that they agree).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("triaxis")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
