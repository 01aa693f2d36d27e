"""Time the hostile inputs of docs/reliability.md: each must end with a typed error (or a
plain result) quickly, never hang, crash the interpreter or exhaust memory.

    python benchmarks/hostile.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from codex_hooks.config import Config
from codex_hooks.kb import read_info
from codex_hooks.links import scan_links


def alias_bomb(levels: int = 9) -> str:
    lines = ["---", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join(f"*a{i - 1}" for _ in range(9)) + "]")
    return "\n".join([*lines, "---", ""])


NOTES: dict[str, bytes] = {
    "alias bomb (9 levels, 9^9 nodes)": alias_bomb().encode(),
    "flow nesting 50,000 deep": b"---\nx: " + b"[" * 50_000 + b"]" * 50_000 + b"\n---\n",
    "block nesting 300 deep": (
        "---\n" + "".join(" " * i + f"k{i}:\n" for i in range(300)) + "---\n"
    ).encode(),
    "50 MB note": b"---\ntype: claim\n---\n" + b"x" * (50 * 1024 * 1024),
    "300 KB frontmatter value": b"---\ndescription: " + b"y" * (300 * 1024) + b"\n---\n",
    "YAML tags (python/object/apply)": b'---\na: !!python/object/apply:os.system ["true"]\n---\n',
    "20,000 list items": b"---\ntags:\n" + b"  - x\n" * 20_000 + b"---\n",
    "invalid UTF-8": b"---\ntitle: \xff\xfe\n---\n",
    "undefined alias": b"---\nsource: *Source: a paper\n---\n",
}
LINES = {
    '"[[" x 100,000': "[[" * 100_000,
    '"`" x 100,000': "`" * 100_000,
    '"[[" + "`" x 100,000': "[[" + "`" * 100_000,
    '"[[`" x 100,000': "[[`" * 100_000,
    '"[[" + "a" x 100,000': "[[" + "a" * 100_000,
    '"[[a]" x 100,000': "[[a]" * 100_000,
}


def main() -> int:
    print("| input | result | seconds |\n| --- | --- | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in NOTES.items():
            path = Path(tmp, "n.md")
            path.write_bytes(data)
            started = time.perf_counter()
            info = read_info(Path(tmp), "n.md", Config())
            result = f"{info.problem.code} {info.problem.message[:60]}" if info.problem else "read"
            print(f"| {name} | {result} | {time.perf_counter() - started:.3f} |")
    for name, line in LINES.items():
        started = time.perf_counter()
        found = scan_links([line])
        print(
            f"| wiki-link scan of {name} | {len(found)} link(s) | {time.perf_counter() - started:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
