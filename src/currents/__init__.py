"""currents: turn raw news articles into a sourced current-events portal.

Library use mirrors the command line::

    import currents
    with currents.open("news.db") as portal:
        report = portal.ingest(["articles/"])
        portal.export("articles", sys.stdout)
        portal.build("site/")
"""

__version__ = "0.1.0"

from currents.app import Currents, open  # noqa: E402  (the version must be importable alone)

__all__ = ["Currents", "__version__", "open"]
