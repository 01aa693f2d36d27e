"""Coverage-guided fuzz target for the wiki-link scanner (atheris; not run in CI).

    pip install atheris
    python fuzz/fuzz_links.py -max_total_time=60 -timeout=2 fuzz/seeds

Scans arbitrary text for ``[[links]]`` (code fences and code spans excluded). It must never
raise, every link found must be a ``[[...]]`` on one line at the column it reports, and
``-timeout`` turns any super-linear slowdown on adversarial text into a crash.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from codex_hooks.links import scan_links


def test_one_input(data: bytes) -> None:
    text = atheris.FuzzedDataProvider(data).ConsumeUnicodeNoSurrogates(len(data))
    lines = text.split("\n")
    for link in scan_links(lines):
        line = lines[link.line - 1]
        assert line[link.column - 1 :].startswith(link.raw), (line, link)
        assert link.raw.startswith("[[") and link.raw.endswith("]]")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
