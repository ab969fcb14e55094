"""Progress of a build: a bar on a terminal, plain lines in a log.

On a terminal the build shows one bar: notebooks finished of the total, how many failed, and an
estimate of the time left; failures are also written above the bar so they stay on screen. Anywhere
else (CI, cron, a pipe, ``TERM=dumb``) each finished notebook prints the plain line it was given,
which is what a log file wants.

tqdm draws the bar rather than rich: it is already installed (papermill depends on it), it is
small, it estimates the time left itself, and the bar needs nothing rich adds (markup, colour,
tables).
"""

from __future__ import annotations

import os
import sys
from types import TracebackType
from typing import TextIO


class Progress:
    """Count finished notebooks; use as a context manager or call :meth:`close`.

    >>> import io
    >>> log = io.StringIO()
    >>> with Progress(2, stream=log) as p:
    ...     p.done("  executed    cfe 2020/21 complaints (3.1 s)", ok=True)
    ...     p.done("  failed      cfe 2020/21 museum_visits (1.0 s)", ok=False)
    >>> print(log.getvalue(), end="")
      executed    cfe 2020/21 complaints (3.1 s)
      failed      cfe 2020/21 museum_visits (1.0 s)
    >>> (p.ok, p.failed)
    (1, 1)
    """

    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.ok = 0
        self.failed = 0
        self.bar = None
        if _is_terminal(self.stream):
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, desc="Building", unit="notebook",
                            dynamic_ncols=True, leave=True, postfix=self._counts(),
                            bar_format="{desc}: {bar} {n_fmt}/{total_fmt} notebooks{postfix} "
                                       "[{elapsed} so far, about {remaining} left]")

    def _counts(self) -> str:
        return f"done {self.ok}, failed {self.failed}"

    def done(self, label: str, ok: bool) -> None:
        """One notebook finished: ``ok`` or failed; ``label`` is its plain line."""
        if ok:
            self.ok += 1
        else:
            self.failed += 1
        if self.bar is None:
            print(label, file=self.stream, flush=True)
            return
        if not ok:
            self.bar.write(label, file=self.stream)
        self.bar.set_postfix_str(self._counts(), refresh=False)
        self.bar.update(1)

    def more(self, n: int) -> None:
        """``n`` more notebooks to count (a cluster's build learns its total as checks pass)."""
        self.total += n
        if self.bar is not None:
            self.bar.total = self.total
            self.bar.refresh()

    def write(self, line: str) -> None:
        """Any other message: above the bar on a terminal, a plain line elsewhere."""
        if self.bar is None:
            print(line, file=self.stream, flush=True)
        else:
            self.bar.write(line, file=self.stream)

    def close(self) -> None:
        """Finish the bar (it stays on screen with the final counts); safe to call twice."""
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    if os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False
