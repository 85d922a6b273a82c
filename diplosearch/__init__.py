"""diplosearch: full-text search over diplomatic and security-cooperation news."""

__version__ = "0.1.0"
