"""Sub-commands of ``codex-hooks`` that live in their own modules (see ``cli.EXTENSIONS``)."""
