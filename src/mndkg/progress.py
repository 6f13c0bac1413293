"""Progress bars for long operations, shown on a terminal only.

Loading a large ontology, publishing to a triple store and the benchmarks can
take long enough that a silent terminal looks hung. The bars go to stderr, and
only when stderr is a terminal: piped output, logs and CI stay clean, and stdout
(where query results go) is never touched. Small inputs get no bar, since a bar
that flashes for a few milliseconds is noise. ``MNDKG_PROGRESS=0`` turns every
bar off; tqdm is imported only when a bar is actually drawn.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TypeVar

#: Inputs smaller than this (bytes) load in well under a second: no bar.
MIN_BYTES = 8 * 1024 * 1024
CHUNK = 1024 * 1024
T = TypeVar("T")


def enabled(size: int | None = None) -> bool:
    """Tell whether to draw a bar: stderr is a terminal, bars are not off, the input is large."""
    if os.environ.get("MNDKG_PROGRESS", "").strip() == "0":
        return False
    if not sys.stderr.isatty():
        return False
    return size is None or size >= MIN_BYTES


@contextmanager
def reading(path: Path, action: str = "loading") -> Iterator[IO[bytes]]:
    """Open ``path`` for reading in binary; on a terminal, a bar follows the bytes read."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        if not enabled(size):
            yield handle
            return
        from tqdm import tqdm

        with tqdm.wrapattr(
            handle,
            "read",
            total=size,
            desc=f"{action} {path.name}",
            file=sys.stderr,
            leave=False,
            dynamic_ncols=True,
        ) as wrapped:
            yield wrapped


class Upload:
    """An HTTP request body sent in chunks, with a bar on a terminal.

    Iterable again from the start each time, because urllib sends the body a
    second time when a server answers 401 and asks for digest authentication.
    """

    def __init__(self, data: bytes, action: str) -> None:
        """Keep the bytes to send and the words for the bar."""
        self.data = data
        self.action = action

    def __len__(self) -> int:
        """Return the body's size, for the Content-Length header."""
        return len(self.data)

    def __iter__(self) -> Iterator[bytes]:
        """Yield the body in chunks of ``CHUNK`` bytes, advancing the bar when shown."""
        pieces = (self.data[i : i + CHUNK] for i in range(0, len(self.data), CHUNK))
        if not enabled(len(self.data)):
            yield from pieces
            return
        from tqdm import tqdm

        with tqdm(
            total=len(self.data),
            desc=self.action,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            file=sys.stderr,
            leave=False,
            dynamic_ncols=True,
        ) as bar:
            for piece in pieces:
                yield piece
                bar.update(len(piece))


def items(iterable: Iterable[T], action: str, total: int | None = None) -> Iterable[T]:
    """Return ``iterable`` unchanged, or wrapped in a counting bar on a terminal."""
    if not enabled():
        return iterable
    from tqdm import tqdm

    return tqdm(
        iterable, desc=action, total=total, file=sys.stderr, leave=False, dynamic_ncols=True
    )
