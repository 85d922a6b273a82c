"""Files -> normalized articles -> Whoosh index.

The pipeline: ``decode`` (bytes -> text), ``readers`` (text -> drafts), ``normalize``
(draft -> Article, using ``titles``, ``dates``, ``cleanup``, ``countries``, ``topics``,
``language``), and ``pipeline`` (Articles -> index, incrementally).
"""
