#!/usr/bin/env python3
"""Generate the FSRS reference fixture: review sequences scheduled by py-fsrs 6.3.2.

tests/srs_reference.rs replays every row with our scheduler (src/srs) and must agree on
state, step, due time and interval, and on stability and difficulty to 1e-9 relative.

Regenerate (the output is deterministic: same seed, same bytes):

    python3 -m venv /tmp/fsrsvenv
    /tmp/fsrsvenv/bin/pip install fsrs==6.3.2
    /tmp/fsrsvenv/bin/python scripts/fsrs_reference.py > tests/fixtures/fsrs/reference.jsonl

Output: JSON Lines, one review sequence per line:

    {"name": "...", "params": P, "start": MS, "reviews": [ROW, ...]}

P = {"weights": [21 floats], "desired_retention": F, "learning_steps": [seconds],
     "relearning_steps": [seconds], "maximum_interval": DAYS}; fuzz is always off.
The card starts new (Learning, step 0, no memory) and due at "start" (ms since the epoch).
ROW = {"at": MS, "rating": 1-4, "params": P (only when the scheduler changes from this row
on), "r": retrievability before the review (null for a new card), and the card after the
review: "state" (1 Learning, 2 Review, 3 Relearning), "step" (null in Review), "s"
(stability), "d" (difficulty), "due" (ms), "interval" (due - at, ms)}.

A summary of what the fixture covers goes to stderr.
"""

from __future__ import annotations

import json
import math
import random
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from importlib.metadata import version

from fsrs import Card, Rating, Scheduler, State
from fsrs.scheduler import (
    DEFAULT_PARAMETERS,
    LOWER_BOUNDS_PARAMETERS,
    UPPER_BOUNDS_PARAMETERS,
)

PY_FSRS_VERSION = "6.3.2"
SEED = 20240406

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
YEAR = 365 * DAY


def to_ms(moment: datetime) -> int:
    delta = moment - EPOCH
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    assert micros % 1000 == 0, "fixture times are whole milliseconds"
    return micros // 1000


def from_ms(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def make_params(
    weights=DEFAULT_PARAMETERS,
    retention=0.9,
    learning=(60, 600),
    relearning=(600,),
    maximum=36500,
) -> dict:
    return {
        "weights": list(weights),
        "desired_retention": retention,
        "learning_steps": list(learning),
        "relearning_steps": list(relearning),
        "maximum_interval": maximum,
    }


def make_scheduler(params: dict) -> Scheduler:
    return Scheduler(
        parameters=params["weights"],
        desired_retention=params["desired_retention"],
        learning_steps=[timedelta(seconds=s) for s in params["learning_steps"]],
        relearning_steps=[timedelta(seconds=s) for s in params["relearning_steps"]],
        maximum_interval=params["maximum_interval"],
        enable_fuzzing=False,
    )


def random_weights(rng: random.Random) -> list[float]:
    """Weights scattered around the defaults, sometimes at py-fsrs's bounds."""
    weights = []
    for default, low, high in zip(
        DEFAULT_PARAMETERS, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS
    ):
        pick = rng.random()
        if pick < 0.08:
            value = low
        elif pick < 0.16:
            value = high
        else:
            spread = math.exp((rng.random() - 0.5) * 2.0)
            value = default * spread if default > 0 else rng.random() * high
            value = min(max(value, low), high)
        weights.append(round(value, 4) if pick >= 0.16 else value)
    return weights


RATING_MIXES = {
    "typical": (0.10, 0.15, 0.65, 0.10),
    "struggling": (0.40, 0.30, 0.25, 0.05),
    "easy": (0.02, 0.08, 0.40, 0.50),
    "uniform": (0.25, 0.25, 0.25, 0.25),
    "good": (0.0, 0.0, 1.0, 0.0),
}

TIMING_MIXES = {
    # name: weights over TIMINGS, in order
    "on_time": {"due": 0.7, "jitter": 0.2, "late": 0.1},
    "mixed": {
        "due": 0.25,
        "jitter": 0.1,
        "late": 0.15,
        "very_late": 0.05,
        "early": 0.15,
        "same_day": 0.12,
        "exact_24h": 0.06,
        "almost_24h": 0.06,
        "just_past_24h": 0.04,
        "backwards": 0.02,
    },
    "cramming": {"same_day": 0.5, "early": 0.3, "due": 0.2},
    "neglect": {"very_late": 0.4, "late": 0.4, "due": 0.2},
    "boundary": {"exact_24h": 0.4, "almost_24h": 0.4, "just_past_24h": 0.2},
}


def weighted(rng: random.Random, options: dict):
    roll = rng.random() * sum(options.values())
    for key, weight in options.items():
        roll -= weight
        if roll < 0:
            return key
    return key


def next_time(rng: random.Random, timing: str, card: Card) -> int:
    """When the next review happens, by the named timing policy."""
    due = to_ms(card.due)
    if card.last_review is None:
        return due + (0 if rng.random() < 0.5 else int(rng.random() * 3 * DAY))
    last = to_ms(card.last_review)
    interval = max(due - last, 1)
    if timing == "due":
        return due
    if timing == "jitter":
        return due + int((rng.random() - 0.2) * 30 * MINUTE)
    if timing == "late":
        return due + int(rng.random() * 2 * interval) + 1
    if timing == "very_late":
        return due + int((1 + rng.random() * 4) * YEAR)
    if timing == "early":
        return last + int(rng.random() * interval)
    if timing == "same_day":
        return last + 1000 + int(rng.random() * (DAY - 2000))
    if timing == "exact_24h":
        return last + DAY
    if timing == "almost_24h":
        return last + DAY - 1000
    if timing == "just_past_24h":
        return last + DAY + 1
    if timing == "backwards":
        return last - 1000 - int(rng.random() * HOUR)
    raise ValueError(timing)


def run_sequence(
    name: str,
    params: dict,
    start: int,
    plan,
    rng: random.Random,
    changes: dict[int, dict] | None = None,
) -> dict:
    """Review a new card along `plan`: a list of (timing, rating) or a callable
    (index, card) -> (time_ms, rating) or None to stop."""
    changes = changes or {}
    scheduler = make_scheduler(params)
    card = Card(card_id=1, due=from_ms(start))
    rows = []
    index = 0
    while True:
        step = plan(index, card)
        if step is None:
            break
        at, rating = step
        row = {"at": at, "rating": rating}
        if index in changes:
            scheduler = make_scheduler(changes[index])
            row["params"] = changes[index]
        before = card
        row["r"] = (
            scheduler.get_card_retrievability(before, from_ms(at))
            if before.stability is not None and before.last_review is not None
            else None
        )
        card, _ = scheduler.review_card(card, Rating(rating), from_ms(at))
        row.update(
            {
                "state": card.state.value,
                "step": card.step,
                "s": card.stability,
                "d": card.difficulty,
                "due": to_ms(card.due),
                "interval": to_ms(card.due) - at,
            }
        )
        rows.append(row)
        index += 1
    return {"name": name, "params": params, "start": start, "reviews": rows}


def random_plan(rng: random.Random, length: int, ratings: tuple, timings: dict):
    def plan(index: int, card: Card):
        if index >= length:
            return None
        rating = 1 + ["1", "2", "3", "4"].index(
            weighted(rng, dict(zip(["1", "2", "3", "4"], ratings)))
        )
        return next_time(rng, weighted(rng, timings), card), rating

    return plan


def fixed_plan(steps: list[tuple[str, int]], rng: random.Random):
    def plan(index: int, card: Card):
        if index >= len(steps):
            return None
        timing, rating = steps[index]
        return next_time(rng, timing, card), rating

    return plan


def until_maximum_plan(rng: random.Random, maximum: int, extra: int, rating: int):
    """Review on the due date until the interval reaches the maximum, then `extra` more."""
    state = {"at_max": 0}

    def plan(index: int, card: Card):
        if card.last_review is not None:
            if to_ms(card.due) - to_ms(card.last_review) == maximum * DAY:
                state["at_max"] += 1
        if state["at_max"] > extra or index >= 80:
            return None
        r = rating if index > 0 else 3
        # Now and then a lapse on the way up, to come back down and climb again.
        if index > 3 and rng.random() < 0.05:
            r = 1
        return next_time(rng, "due", card), r

    return plan


STEP_SETTINGS = {
    "default": ((60, 600), (600,)),
    "no_learning": ((), (600,)),
    "one_learning": ((600,), (600,)),
    "three_learning": ((60, 600, 3600), (600,)),
    "no_relearning": ((60, 600), ()),
    "two_relearning": ((60, 600), (600, 3600)),
    "none_at_all": ((), ()),
    "multi_day_steps": ((600, 86400, 3 * 86400), (1800, 86400)),
    "odd_seconds": ((1, 7, 61), (15,)),
}


def generate() -> list[dict]:
    rng = random.Random(SEED)
    sequences = []
    start_base = to_ms(datetime(2024, 1, 1, tzinfo=timezone.utc))

    def start() -> int:
        return start_base + int(rng.random() * 2 * YEAR)

    # Default settings with every rating and timing mix.
    for ratings_name, ratings in RATING_MIXES.items():
        for timing_name, timings in TIMING_MIXES.items():
            for copy in range(3):
                length = 5 + int(rng.random() * 25)
                sequences.append(
                    run_sequence(
                        f"default/{ratings_name}/{timing_name}/{copy}",
                        make_params(),
                        start(),
                        random_plan(rng, length, ratings, timings),
                        rng,
                    )
                )

    # Other desired retentions.
    for retention in (0.7, 0.8, 0.85, 0.95, 0.97, 0.99):
        for timing_name in ("on_time", "mixed", "neglect"):
            for ratings_name in ("typical", "struggling"):
                sequences.append(
                    run_sequence(
                        f"retention_{retention}/{ratings_name}/{timing_name}",
                        make_params(retention=retention),
                        start(),
                        random_plan(
                            rng,
                            8 + int(rng.random() * 16),
                            RATING_MIXES[ratings_name],
                            TIMING_MIXES[timing_name],
                        ),
                        rng,
                    )
                )

    # Other learning and relearning steps.
    for steps_name, (learning, relearning) in STEP_SETTINGS.items():
        for ratings_name in ("typical", "struggling", "uniform"):
            for timing_name in ("on_time", "mixed", "cramming"):
                sequences.append(
                    run_sequence(
                        f"steps_{steps_name}/{ratings_name}/{timing_name}",
                        make_params(learning=learning, relearning=relearning),
                        start(),
                        random_plan(
                            rng,
                            8 + int(rng.random() * 16),
                            RATING_MIXES[ratings_name],
                            TIMING_MIXES[timing_name],
                        ),
                        rng,
                    )
                )

    # Every rating on every learning step, in order, for each step setting.
    for steps_name, (learning, relearning) in STEP_SETTINGS.items():
        for first in range(1, 5):
            for second in range(1, 5):
                plan = [("due", first), ("due", second), ("due", 3), ("due", 3)]
                plan += [("due", 1), ("due", second), ("due", first), ("due", 3)]
                sequences.append(
                    run_sequence(
                        f"steps_{steps_name}/walk_{first}{second}",
                        make_params(learning=learning, relearning=relearning),
                        start(),
                        fixed_plan(plan, rng),
                        rng,
                    )
                )

    # The 24-hour boundary after each kind of review, with each rating.
    for rating in range(1, 5):
        for timing in ("exact_24h", "almost_24h", "just_past_24h"):
            plan = [("due", 3), ("due", 3), ("due", 3), (timing, rating)]
            plan += [("due", 3), (timing, rating), ("due", 1), (timing, rating)]
            plan += [("due", 3), ("same_day", rating), (timing, rating)]
            sequences.append(
                run_sequence(
                    f"boundary/{timing}/rating_{rating}",
                    make_params(),
                    start(),
                    fixed_plan(plan, rng),
                    rng,
                )
            )

    # Long runs that reach the maximum interval (several maxima) and stay there.
    for maximum in (36500, 3650, 365, 100, 30, 7, 3, 1):
        for rating in (3, 4):
            extra = 3 if maximum >= 3650 else 6
            sequences.append(
                run_sequence(
                    f"maximum_{maximum}/rating_{rating}",
                    make_params(maximum=maximum),
                    start(),
                    until_maximum_plan(rng, maximum, extra, rating),
                    rng,
                )
            )

    # Very late and very early reviews, from short and long intervals.
    for ratings_name in ("typical", "uniform", "easy"):
        for copy in range(3):
            plan = []
            for _ in range(6):
                plan.append(("due", 3))
                plan.append(("very_late", 1 + int(rng.random() * 4)))
                plan.append(("early", 1 + int(rng.random() * 4)))
            sequences.append(
                run_sequence(
                    f"late_and_early/{ratings_name}/{copy}",
                    make_params(),
                    start(),
                    random_plan(rng, 18, RATING_MIXES[ratings_name], TIMING_MIXES["neglect"])
                    if copy == 2
                    else fixed_plan(plan, rng),
                    rng,
                )
            )

    # Other weights (scattered, some at the bounds), with other settings too.
    for copy in range(30):
        steps_name = list(STEP_SETTINGS)[copy % len(STEP_SETTINGS)]
        learning, relearning = STEP_SETTINGS[steps_name]
        sequences.append(
            run_sequence(
                f"weights/{copy}/{steps_name}",
                make_params(
                    weights=random_weights(rng),
                    retention=(0.9, 0.8, 0.95, 0.75, 0.99)[copy % 5],
                    learning=learning,
                    relearning=relearning,
                ),
                start(),
                random_plan(
                    rng,
                    10 + int(rng.random() * 20),
                    list(RATING_MIXES.values())[copy % len(RATING_MIXES)],
                    TIMING_MIXES["mixed"],
                ),
                rng,
            )
        )

    # The settings change while a card is in (re)learning: its step may now be past the
    # end of the new steps, or its state may have no steps any more.
    for learning_after, relearning_after in ((600,), ()), ((), (600,)), ((60, 600, 3600, 7200), (60, 600, 3600)):
        for copy in range(4):
            changes = {
                3: make_params(learning=learning_after, relearning=relearning_after),
                9: make_params(),
                14: make_params(learning=learning_after, relearning=relearning_after),
            }
            sequences.append(
                run_sequence(
                    f"settings_change/{len(learning_after)}_{len(relearning_after)}/{copy}",
                    make_params(learning=(60, 600, 3600), relearning=(600, 3600)),
                    start(),
                    random_plan(rng, 20, RATING_MIXES["struggling"], TIMING_MIXES["on_time"]),
                    rng,
                    changes,
                )
            )

    return sequences


def coverage(sequences: list[dict]) -> Counter:
    counts = Counter()
    for seq in sequences:
        counts["sequences"] += 1
        state_before, last, due_before = 1, None, seq["start"]
        params = seq["params"]
        for row in seq["reviews"]:
            params = row.get("params", params)
            counts["reviews"] += 1
            at = row["at"]
            if last is not None:
                gap = at - last
                if gap == DAY:
                    counts["exactly 24h"] += 1
                if gap == DAY - 1000:
                    counts["24h minus 1s"] += 1
                if gap < DAY:
                    counts["same-day (< 24h)"] += 1
                if gap < 0:
                    counts["before the previous review"] += 1
                if at < due_before:
                    counts["early (before due)"] += 1
                if at - due_before >= YEAR:
                    counts["very late (>= 1 year overdue)"] += 1
            if state_before == 2 and row["rating"] == 1:
                counts["lapses (Review + Again)"] += 1
            if state_before != 2 and row["state"] == 2:
                counts["graduations"] += 1
            if row["state"] == 2 and row["interval"] == params["maximum_interval"] * DAY:
                counts["at the maximum interval"] += 1
            if "params" in row:
                counts["settings changes"] += 1
            counts[f"rating {row['rating']}"] += 1
            state_before, last, due_before = row["state"], at, row["due"]
        counts[f"retention {params['desired_retention']}"] += 1
        steps = (len(params["learning_steps"]), len(params["relearning_steps"]))
        counts[f"steps learning={steps[0]} relearning={steps[1]}"] += 1
        if list(params["weights"]) != list(DEFAULT_PARAMETERS):
            counts["non-default weights"] += 1
    return counts


def main() -> None:
    installed = version("fsrs")
    if installed != PY_FSRS_VERSION:
        sys.exit(f"need fsrs=={PY_FSRS_VERSION}, found {installed}")
    sequences = generate()
    for sequence in sequences:
        sys.stdout.write(json.dumps(sequence, separators=(",", ":")) + "\n")
    for key, count in sorted(coverage(sequences).items()):
        print(f"{count:6}  {key}", file=sys.stderr)


if __name__ == "__main__":
    main()
