#!/usr/bin/env python3
"""Write a notes file of N cards in the style of the built-in Raft deck, for benchmarks.

Usage: scripts/gen_deck.py N [--seed S] [--title TITLE] > deck.md

Cards mix numbered and nested lists, JSON message blocks, inline code, and tag lines, like
../shared/seeds/raft_anki.md; the average card is about 300 bytes, so 100,000 cards make a
file of about 30 MB. Output is deterministic for a given N and seed.
"""

import argparse
import random
import sys

TOPICS = ["leader election", "log replication", "terms", "heartbeats", "commit index",
          "follower tracking", "safety", "membership", "snapshots", "client requests"]
VERBS = ["detects", "replicates", "commits", "rejects", "grants", "persists", "retries",
         "advances", "truncates", "forwards"]
NOUNS = ["the leader", "a follower", "the candidate", "a stale leader", "the cluster",
         "a majority", "the log", "each server", "the state machine", "a partition"]


def sentence(rng):
    return f"{rng.choice(NOUNS).capitalize()} {rng.choice(VERBS)} {rng.choice(NOUNS)} " \
           f"when term {rng.randint(1, 9)} ends at index {rng.randint(1, 99)}."


def json_block(rng):
    term = rng.randint(2, 9)
    prev = rng.randint(1, 50)
    if rng.random() < 0.5:
        return ("```json\n{\n  \"term\": %d,\n  \"candidateId\": %d,\n  \"lastLogIndex\": %d,\n"
                "  \"lastLogTerm\": %d\n}\n```\n" % (term, rng.randint(1, 5), prev, term - 1))
    return ("```json\n{\n  \"term\": %d,\n  \"leaderId\": %d,\n  \"prevLogIndex\": %d,\n"
            "  \"prevLogTerm\": %d,\n  \"entries\": [{\"index\": %d, \"term\": %d, "
            "\"command\": \"set x = %d\"}],\n  \"leaderCommit\": %d\n}\n```\n"
            % (term, rng.randint(1, 5), prev, term - 1, prev + 1, term, rng.randint(1, 99), prev))


def card(rng, n):
    topic = rng.choice(TOPICS)
    lines = [f"## Question {n}: how does {rng.choice(NOUNS)} handle {topic}?", ""]
    lines.append(f"[#raft]() [#{topic}]()")
    lines.append("")
    kind = rng.random()
    if kind < 0.2:
        lines.append(sentence(rng))
        lines.append("")
        lines.append(json_block(rng))
    else:
        for i in range(rng.randint(2, 3)):
            lines.append(f"{i + 1}. {sentence(rng)}")
            if rng.random() < 0.3:
                lines.append(f"    1. Uses `nextIndex[{rng.randint(1, 5)}]` and `matchIndex`.")
        lines.append("")
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cards", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--title", default="Generated::Raft")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    out.write(f"# {args.title}\n\n")
    for n in range(1, args.cards + 1):
        out.write(card(rng, n))


if __name__ == "__main__":
    main()
