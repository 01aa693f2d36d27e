"""Coverage-guided fuzz target for the note parser (atheris; not run in CI).

    pip install atheris
    python fuzz/fuzz_note.py -max_total_time=60 -rss_limit_mb=2048 fuzz/seeds

Feeds arbitrary bytes through what the hook does to every file it reads: decode the note
(BOM, line endings, frontmatter fences), parse the frontmatter without constructing types,
index it (kind, link fields, body wiki links) and open an editor on it. Anything but a
typed :class:`NoteError` is a crash. A parsed note must give back its exact bytes.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from codex_hooks.config import Config
    from codex_hooks.edit import FrontmatterEditor
    from codex_hooks.errors import EditError, NoteError
    from codex_hooks.frontmatter import parse_frontmatter
    from codex_hooks.kb import build_info
    from codex_hooks.note import Note

CONFIG = Config()


def test_one_input(data: bytes) -> None:
    try:
        note = Note.from_bytes(data, "domains/health/fuzzed.md")
        fm = parse_frontmatter(note)
    except NoteError:
        return
    assert note.to_bytes() == data, "a note must give back its exact bytes"
    build_info(note, CONFIG)
    try:
        editor = FrontmatterEditor(note)
        editor.set("status", "processed")
        for key in list(fm.data)[:2]:
            editor.delete_key(key)
    except EditError:
        return


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
