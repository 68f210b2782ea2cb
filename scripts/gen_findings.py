#!/usr/bin/env python3
"""Write a notes file with N cards, each with one finding `check` reports, to stdout.

Usage: scripts/gen_findings.py N > findings.md

Every card (about 500 bytes) has a tags line whose first tag lacks its `()`
(`malformed-tags`, an error at the card's fourth line), so `check` reports N errors spread
evenly through the file: 10,000 cards make about 5 MB. For the diagnostics rendering
benchmark in BENCHMARKS.md.
"""

import sys

ANSWER = (
    "A leader appends the command to its log, sends AppendEntries to every follower, and "
    "applies the entry once a majority has stored it; followers learn the commit index "
    "from the next heartbeat and apply the entry too. Until then the entry may still be "
    "overwritten by a new leader, which is why clients wait for the commit before they "
    "treat the command as done and why the leader answers only after applying it."
)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    out = sys.stdout
    out.write("# Findings\n\n")
    for i in range(n):
        out.write(f"## How is command {i} committed?\n\n")
        out.write(f"[#raft{i % 7}] [#replication]()\n\n{ANSWER}\n\n")


if __name__ == "__main__":
    main()
