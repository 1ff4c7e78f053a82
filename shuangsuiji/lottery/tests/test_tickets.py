"""Tickets equal consistent_sampler's first-generation tickets, digit for digit and in order."""

from __future__ import annotations

import random

import consistent_sampler as cs
from hypothesis import given, settings
from hypothesis import strategies as st

from shuangsuiji.lottery import tickets


def _random_id(rng: random.Random) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    kind = rng.randrange(4)
    if kind == 0:  # USCC-shaped
        return "".join(rng.choice(alphabet) for _ in range(18))
    if kind == 1:  # short numeric ids give many tickets with leading 9s over a run
        return str(rng.randrange(10**6))
    if kind == 2:  # non-ASCII ids are hashed as UTF-8
        return "个体户-" + str(rng.randrange(10**9))
    return "".join(chr(rng.randrange(33, 127)) for _ in range(rng.randrange(1, 30)))


def test_ticket_equals_reference_first_fraction_for_thousands_of_ids_and_seeds() -> None:
    rng = random.Random(20250101)
    for _ in range(4000):
        seed = f"{rng.getrandbits(256):064x}"
        entity = _random_id(rng)
        assert tickets.ticket(seed, entity, digits=None) == cs.first_fraction(entity, seed)
        assert tickets.ticket(seed, entity) == cs.trim(cs.first_fraction(entity, seed), 9)


def test_ticket_equals_what_the_reference_sampler_prints() -> None:
    rng = random.Random(7)
    for round_no in range(40):
        seed = f"{rng.getrandbits(256):064x}" if round_no % 2 else str(rng.randrange(10**20))
        ids = sorted({_random_id(rng) for _ in range(150)})
        printed = list(cs.sampler(ids, seed=seed, output="tuple"))
        ours = sorted(ids, key=lambda i: tickets.sort_key(seed, i))
        assert [p[1] for p in printed] == ours
        assert [p[0] for p in printed] == [tickets.ticket(seed, i) for i in ours]


def test_ticket_reproduces_the_reference_docstring_examples() -> None:
    assert tickets.ticket("01382438112797316654", "AB-130", digits=None) == (
        "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"
    )
    printed = [tickets.ticket("314159", i) for i in ["cd-1", "ef-3", "ab-1", "ab-2"]]
    assert printed == ["0.317685817", "0.832984519", "0.9098039269", "0.9231549043"]


def test_trim_keeps_nine_digits_after_a_run_of_nines() -> None:
    assert tickets.trim("0.9991234567890123") == "0.999123456789"
    assert tickets.trim("0.12") == "0.12"


def test_small_hashes_are_zero_padded_like_the_reference() -> None:
    assert tickets.fraction_from_int(5) == "0.5" + "0" * 63
    assert tickets.fraction_from_int(5) == "0." + f"{5:064d}"[::-1]


def test_prefix_digits_reversed_are_the_first_ticket_digits() -> None:
    rng = random.Random(3)
    for _ in range(500):
        value = rng.getrandbits(256)
        for width in (1, 6, 12):
            assert str(tickets.prefix_digits_reversed(value, width)).zfill(width) == (
                tickets.fraction_from_int(value)[2 : 2 + width]
            )


@settings(max_examples=60, deadline=None)
@given(
    ids=st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=40, unique=True),
    seed=st.text(max_size=20),
    shuffle_seed=st.integers(0, 2**32),
)
def test_order_by_ticket_does_not_depend_on_input_order(ids: list[str], seed: str, shuffle_seed: int) -> None:
    shuffled = ids[:]
    random.Random(shuffle_seed).shuffle(shuffled)
    assert sorted(ids, key=lambda i: tickets.sort_key(seed, i)) == sorted(
        shuffled, key=lambda i: tickets.sort_key(seed, i)
    )
    assert [t[1] for t in cs.sampler(shuffled, seed=seed)] == sorted(
        ids, key=lambda i: tickets.sort_key(seed, i)
    )
