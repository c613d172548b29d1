"""How the stages report progress to whoever runs them (the CLI draws it as bars)."""

from __future__ import annotations

from collections.abc import Callable

# Called as work is committed: (stage, done, total or None, detail). Stage "reading" counts bytes of
# inputs and names the input just stored; "understanding" and "clustering" count articles;
# "summarising" counts events.
Progress = Callable[[str, int, int | None, str | None], None]
