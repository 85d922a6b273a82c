"""Whoosh schema, query parsing, filters, facets, highlights: the index -> plain results."""
