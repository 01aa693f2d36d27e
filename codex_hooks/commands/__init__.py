"""The sub-commands of ``codex-hooks``, one module each (see ``cli.COMMANDS``), and what
they share (:mod:`.common`)."""
