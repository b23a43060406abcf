"""microcred: author, teach, auto-grade and certify ML and DL microcredentials."""

__version__ = "0.1.0"
