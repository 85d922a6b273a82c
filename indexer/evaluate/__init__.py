"""Accuracy and speed of the indexer on real corpora nobody here wrote.

``python -m indexer.evaluate ../shared/corpora`` (or ``make accuracy``) runs every suite and
prints one line per measure with its target. Each suite reads a corpus in its published
form, turns each document into the input a user would give the indexer, and compares what
``indexer.normalize`` makes of it with the corpus's own answer key. Corpus-specific
knowledge (file layouts, Reuters place names) lives here, never in the extractor.
"""
