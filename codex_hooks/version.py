"""The package's version (a helper): the stored index and stored results are keyed by it,
and modules below the package's facade read it here rather than from ``codex_hooks``."""

__version__ = "0.1.0"
