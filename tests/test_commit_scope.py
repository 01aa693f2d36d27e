"""What a commit answers for: its staged notes, and in the notes its deletions and renames
leave dangling only the references to the gone notes; a baseline follows renames."""

from __future__ import annotations

import json

from kbutil import claim, cli, processed, read, run_git, snapshot, write_kb

from codex_hooks.baseline import Baseline
from codex_hooks.model import Violation
from codex_hooks.staged import CommitScope

C = "domains/ai-alignment/c.md"
C2 = "domains/ai-alignment/c2.md"
D = "domains/ai-alignment/d.md"
S = "inbox/archive/s.md"
FILE = ".codex-hooks-baseline.json"

#: S lists c and d; neither claim names S back (BL003, fixable, on both). S also uses the
#: legacy field 'enrichments' (FM008, fixable): old problems nobody committing a rename of
#: c has touched.
NOTES = {
    C: claim(),
    D: claim(),
    S: processed(["c", "d"], "enrichments:\n  - d\n"),
}


def _v(path: str, code: str, subject: str = "") -> Violation:
    return Violation(path, 1, 1, code, "error", "m", None, subject)


def test_scope_keeps_everything_on_staged_notes_and_only_gone_references_elsewhere():
    scope = CommitScope.of([C2, S], [S, D], [C])
    assert scope.paths == [C2, S, D]  # a staged note is never also dangling
    assert scope.keep(_v(S, "FM008", "enrichments"))  # staged: everything
    assert scope.keep(_v(D, "WL005", C2))  # a reference to a renamed note
    assert scope.keep(_v(D, "BL001", "c"))  # an entry naming the gone note, by title
    assert scope.keep(_v(D, "WL001", "[[C|shown]]"))  # ... folded, as titles compare
    assert scope.keep(_v(D, "BL005", C))  # ... by path
    assert not scope.keep(_v(D, "BL003", S))  # the dangling note's own old problem
    assert not scope.keep(_v(D, "FM002", "status"))


def test_git_mv_rewrites_the_references_and_nothing_else(tmp_path):
    root = write_kb(tmp_path, NOTES, git=True)
    run_git(root, "mv", C, C2)
    before = snapshot(root)
    code, out, err = cli(root, "fix", "--hook", C2)
    assert code == 1, out + err
    after = snapshot(root)
    changed = sorted(p for p in after if after[p] != before.get(p) and p in before)
    assert changed == [C2, S], out + err
    # The staged (moved) claim is the committer's note: its missing back-link is mended.
    # In the source, only the entry naming the renamed claim changed: d's missing
    # back-link and the legacy field are old problems of a note the commit did not touch.
    assert read(root, C2).replace(f"sourced_from: {S}\n", "", 1) == NOTES[C] != read(root, C2)
    assert read(root, S) == NOTES[S].replace("  - c\n", "  - c2\n", 1)
    assert read(root, D) == NOTES[D]
    run_git(root, "add", "-A")
    # The retry: the rewritten source is staged now, and it is the committer's note.
    assert cli(root, "check", "--hook", "--select", "WL005,BL001")[0] == 0


def test_deleting_a_claim_reports_only_the_references_to_it(tmp_path):
    root = write_kb(tmp_path, NOTES, git=True)
    run_git(root, "rm", "-q", C)
    code, out, _ = cli(root, "check", "--hook")
    assert code == 1
    assert [line.split(" ", 2)[1] for line in out.splitlines()] == ["BL001"]
    assert out.startswith(f"{S}:")
    assert "'c'" in out


def test_a_baseline_follows_a_renamed_note(tmp_path):
    root = write_kb(tmp_path, NOTES, git=True)
    assert cli(root, "baseline")[0] == 0
    recorded = json.loads(read(root, FILE))["findings"]
    assert {(e["path"], e["code"]) for e in recorded} == {
        (C, "BL003"),
        (D, "BL003"),
        (S, "BL007"),
        (S, "FM008"),
    }
    run_git(root, "add", FILE)
    run_git(root, "commit", "-q", "-m", "baseline")
    run_git(root, "mv", C, C2)
    # The moved claim's old finding stays hidden under its new path; what the commit
    # must mend is the source's reference to the old name.
    code, out, err = cli(root, "check", "--hook", C2)
    assert code == 1
    assert [line.split(" ", 2)[1] for line in out.splitlines()] == ["WL005"], out
    assert out.startswith(f"{S}:")
    assert "1 finding(s) hidden by the baseline" in err
    # fix moves the entry in the file, so it stays hidden once the rename is committed,
    # and rewrites the source's entry; nothing else.
    code, out, err = cli(root, "fix", "--hook", C2)
    assert code == 1
    assert f"Fixing {FILE}: move recorded findings of renamed notes" in out
    assert f"Fixing {S}: rewrite references to renamed notes" in out
    moved = json.loads(read(root, FILE))["findings"]
    assert [(e["path"], e["code"], e["subject"]) for e in moved] == [
        (C2, "BL003", S),
        (D, "BL003", S),
        (S, "BL007", D),
        (S, "FM008", "enrichments"),
    ]
    run_git(root, "add", "-A")
    assert cli(root, "fix", "--hook", C2, S)[:2] == (0, "")
    run_git(root, "commit", "-q", "-m", "rename")
    # Committed: no rename is pending, and the moved note's finding is still hidden.
    with open(root / C2, "a", encoding="utf-8") as handle:
        handle.write("\nMore body.\n")
    run_git(root, "add", C2)
    code, out, err = cli(root, "check", "--hook")
    assert (code, out) == (0, ""), (out, err)


def test_following_renames_maps_paths_and_titles():
    recorded = Baseline(
        {
            (C, "BL003", S): 1,
            (S, "BL001", "c"): 1,
            (S, "WL001", "[[c|see]]"): 2,
            (D, "FM002", "status"): 1,
        }
    )
    moved = recorded.following({C: C2})
    assert moved.entries == {
        (C2, "BL003", S): 1,
        (S, "BL001", "c2"): 1,
        (S, "WL001", "c2"): 2,
        (D, "FM002", "status"): 1,
    }
    assert recorded.following({}) is recorded
    # Titles match folded: a link written [[C]] matches an entry recorded as 'c'.
    assert moved.hidden([(S, "BL001", "C2.md"), (S, "WL001", "[[C2]]")]) == [True, True]
