"""The systems compared in the benchmarks, behind one interface (see ``common.Peer``).

``make_peer("fts5")`` etc.; Tantivy is imported only when asked for, so the rest works
without the ``bench`` extra installed.
"""

from __future__ import annotations

from bench.peers.common import BuildStats, Filters, Hit, Peer, SearchResult

NAMES = ("diplosearch", "sqlite-fts5", "tantivy")


def make_peer(name: str, **options) -> Peer:
    """A new peer by name; ``options`` go to its constructor."""
    if name == "diplosearch":
        from bench.peers.diplosearch_peer import DiplosearchPeer

        return DiplosearchPeer(**options)
    if name in ("sqlite-fts5", "fts5"):
        from bench.peers.sqlite_fts5 import Fts5Peer

        return Fts5Peer(**options)
    if name == "tantivy":
        from bench.peers.tantivy_peer import TantivyPeer

        return TantivyPeer(**options)
    raise ValueError(f"unknown system {name!r}: choose from {', '.join(NAMES)}")


def tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


__all__ = [
    "NAMES",
    "BuildStats",
    "Filters",
    "Hit",
    "Peer",
    "SearchResult",
    "make_peer",
    "tantivy_available",
]
