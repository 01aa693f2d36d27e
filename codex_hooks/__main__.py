"""``python -m codex_hooks`` runs the command line."""

from .cli import run

run()
