#!/usr/bin/env python3
"""Benchmark `mdcards export` against genanki on the same generated cards.

Usage: scripts/bench_export.py [N ...]        (default: 10000 100000)

For each N: `scripts/gen_deck.py N` writes a deck; `mdcards export deck.md out.apkg` (release
build) turns the markdown into a package, each run with a review database of its own that
it creates (the first export of the deck: the most it has to record); genanki (in a venv under target/, installed on
first use) writes the same cards as notes. genanki parses no markdown: it gets each card's
front and back text, split by a trivial `## ` scan inside its timed run. Prints wall time,
peak RSS (of the process and its children) and the ratio. Each tool runs 3 times; the best
wall time and the largest peak RSS are reported.
"""

import os
import subprocess
import sys
import tempfile
import time
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, "target", "bench-venv")
RUNS = 3

GENANKI_SCRIPT = r'''
import sys, genanki
src, out = sys.argv[1], sys.argv[2]
model = genanki.Model(1607392319, "Bench", fields=[{"name": "Front"}, {"name": "Back"}],
    templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}])
deck = genanki.Deck(2059400110, "Generated::Raft")
front, back = None, []
def flush():
    if front is not None:
        deck.add_note(genanki.Note(model=model, fields=[front, "\n".join(back)]))
for line in open(src, encoding="utf-8"):
    if line.startswith("## "):
        flush()
        front, back = line[3:].strip(), []
    elif front is not None:
        back.append(line.rstrip("\n"))
flush()
genanki.Package(deck).write_to_file(out)
'''


def genanki_python():
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(os.path.join(VENV, "genanki-ready")):
        venv.create(VENV, with_pip=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "genanki"], check=True)
        open(os.path.join(VENV, "genanki-ready"), "w").close()
    return python


def measure(argv, before=lambda: None):
    """Best wall seconds and max peak RSS (MiB) over RUNS runs; `before` runs untimed first."""
    best, peak = float("inf"), 0.0
    for _ in range(RUNS):
        before()
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if status != 0:
            sys.exit(f"{argv} failed: {process.stderr.read().decode()}")
        best = min(best, wall)
        peak = max(peak, usage.ru_maxrss / 1024)
    return best, peak


def main():
    sizes = [int(n) for n in sys.argv[1:]] or [10_000, 100_000]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    mdcards = os.path.join(ROOT, "target", "release", "mdcards")
    python = genanki_python()
    print(f"{'cards':>8}  {'tool':<16} {'wall s':>8} {'peak MiB':>9}  {'package':>9}")
    with tempfile.TemporaryDirectory() as work:
        script = os.path.join(work, "genanki_bench.py")
        with open(script, "w") as f:
            f.write(GENANKI_SCRIPT)
        for n in sizes:
            deck = os.path.join(work, f"deck{n}.md")
            with open(deck, "w") as f:
                subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen_deck.py"), str(n)],
                               stdout=f, check=True)
            ours_out = os.path.join(work, f"ours{n}.apkg")
            theirs_out = os.path.join(work, f"genanki{n}.apkg")
            db = os.path.join(work, "reviews.sqlite3")

            def fresh_db():
                for suffix in ["", "-wal", "-shm"]:
                    if os.path.exists(db + suffix):
                        os.remove(db + suffix)

            ours = measure([mdcards, "export", "--db", db, deck, ours_out], fresh_db)
            theirs = measure([python, script, deck, theirs_out])
            for name, (wall, rss), out in [("mdcards export", ours, ours_out),
                                           ("genanki", theirs, theirs_out)]:
                size = os.path.getsize(out) / 1024 / 1024
                print(f"{n:>8}  {name:<16} {wall:>8.3f} {rss:>9.1f}  {size:>7.1f}MB")
            print(f"{n:>8}  {'ratio':<16} {theirs[0] / ours[0]:>7.1f}x faster, "
                  f"{theirs[1] / ours[1]:.1f}x less memory")


if __name__ == "__main__":
    main()
