"""The scoring done without rapidfuzz gives rapidfuzz's numbers, to the last bit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from codex_hooks.fuzzy import BUDGET, _extract, extract, ratio

# Few letters, so that strings share many and the scores spread over the whole range;
# non-ASCII, and lengths past 64 (where one machine word no longer holds a string).
_TEXT = st.text(st.sampled_from(list("abcde fgé-")), max_size=150)
_CUTOFFS = st.sampled_from([0.0, 50.0, 66.66666666666667, 80.0, 85.5, 97.5, 100.0])


@settings(max_examples=1500, deadline=None)
@given(_TEXT, _TEXT, _CUTOFFS)
def test_ratio_is_rapidfuzz_ratio(a: str, b: str, cutoff: float) -> None:
    assert ratio(a, b, cutoff) == fuzz.ratio(a, b, score_cutoff=cutoff)


@settings(max_examples=500, deadline=None)
@given(
    st.text(st.sampled_from(list("abcd ")), min_size=1, max_size=10),
    st.lists(st.text(st.sampled_from(list("abcd ")), max_size=10), max_size=40),
    st.sampled_from([30.0, 50.0, 80.0, 85.5]),
    st.integers(1, 6),
)
def test_extract_is_rapidfuzz_extract(
    query: str, choices: list[str], cutoff: float, limit: int
) -> None:
    # Repeated choices make ties, which both keep in list order.
    choices = choices + choices[:3]
    expected = process.extract(
        query, choices, scorer=fuzz.ratio, processor=None, limit=limit, score_cutoff=cutoff
    )
    # rapidfuzz is imported here, so extract() would use it: the own scoring is called.
    assert _extract(query, choices, cutoff, limit) == [(c, float(s), i) for c, s, i in expected]


def test_many_choices_go_to_rapidfuzz_with_the_same_answer() -> None:
    choices = [f"note {i} about the graph" for i in range(BUDGET * 2)]
    found = extract("note 7 about the grph", choices, 80.0, 3)
    assert found[0] == (
        "note 7 about the graph",
        fuzz.ratio("note 7 about the grph", choices[7]),
        7,
    )
    assert len(found) == 3


def test_ratio_for_scores_a_few_pairs_without_rapidfuzz_and_many_with_it() -> None:
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from codex_hooks import fuzzy\n"
        "few = fuzzy.ratio_for(3)\n"
        "print(few is fuzzy.ratio, 'rapidfuzz' in sys.modules)\n"
        "many = fuzzy.ratio_for(fuzzy.BUDGET)\n"
        "print(many is fuzzy.ratio, 'rapidfuzz' in sys.modules)\n"
        "print(few('abcd', 'abce', score_cutoff=10) == many('abcd', 'abce', score_cutoff=10))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:3] == ["True False", "False True", "True"]
