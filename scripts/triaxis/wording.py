"""The words of a restatement, as the near-duplicate checks compare them.

Kept apart from ``triaxis.similarity`` so that the validation workers, which read each claim
anyway, can hand the main process its words' hashes instead of it tokenizing 200,000 texts again.
"""

from __future__ import annotations

import re
import unicodedata
from array import array

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The words of a text: case folded, compatibility forms (ligatures, full-width letters) unified, punctuation dropped."""
    if text.isascii():  # NFKC leaves ASCII as it is, and casefolds it to lower case
        return _WORD.findall(text.lower())
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def word_hashes(text: str) -> bytes:
    """Each word's hash, in order, packed as native 64-bit integers (``numpy.frombuffer`` reads them as int64).

    Equal for two texts exactly when their words are (64-bit hashes of any realistic vocabulary
    never collide). Hashes of ``str`` differ between interpreters but not between a process and
    the workers it forks, which is where they are compared. Packed, they travel from a worker
    several times faster than a tuple of ints, and take a quarter of the memory.
    """
    return array("q", map(hash, words(text))).tobytes()
