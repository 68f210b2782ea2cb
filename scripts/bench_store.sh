#!/usr/bin/env bash
# Whole-command timings for the review store, sync and quiz with 100,000 cards, as recorded
# in BENCHMARKS.md ("Scheduler, store and quiz"). Needs hyperfine (apt install hyperfine)
# and python3. Usage: scripts/bench_store.sh [CARDS]
set -euo pipefail
cd "$(dirname "$0")/.."
CARDS="${1:-100000}"

cargo build --release --quiet
BIN="$PWD/target/release/mdcards"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export MDCARDS_DB="$WORK/reviews.sqlite3"
python3 scripts/gen_deck.py "$CARDS" > "$WORK/deck.md"
cp "$WORK/deck.md" "$WORK/deck.orig.md"
echo "deck: $CARDS cards, $(du -h "$WORK/deck.md" | cut -f1)"

echo "== first sync (creates the store)"
/usr/bin/time -f "%e s wall, %U s user, %S s sys" "$BIN" sync "$WORK/deck.md" | head -1

# One edit per run: the prepare step flips one answer line in the middle of the file
# between two versions, so every timed sync sees exactly one updated card.
cat > "$WORK/flip.py" <<'EOF'
import sys
path = sys.argv[1]
text = open(path).read()
mid = text.index("\n## ", len(text) // 2)
line_start = text.index("\n1. ", mid) + 1
if text.startswith("1. Edited: ", line_start):
    text = text[:line_start] + "1. " + text[line_start + len("1. Edited: "):]
else:
    text = text[:line_start] + "1. Edited: " + text[line_start + 3:]
open(path, "w").write(text)
EOF
echo "== sync with one edit, sync with nothing changed"
hyperfine --warmup 1 --runs 10 \
  --prepare "python3 $WORK/flip.py $WORK/deck.md" \
  -n "sync, one back edited" "$BIN sync $WORK/deck.md"
hyperfine --warmup 1 --runs 10 -n "sync, nothing changed" "$BIN sync $WORK/deck.md"

# A card added at the top shifts every line below it.
cp "$WORK/deck.orig.md" "$WORK/deck.md"
"$BIN" sync "$WORK/deck.md" > /dev/null
cat > "$WORK/top.py" <<'EOF'
import sys
path = sys.argv[1]
text = open(path).read()
card = "## A brand new first question?\n\nIts answer.\n\n"
first = text.index("## ")
if text.startswith(card, first):
    text = text[:first] + text[first + len(card):]
else:
    text = text[:first] + card + text[first:]
open(path, "w").write(text)
EOF
hyperfine --warmup 1 --runs 10 \
  --prepare "python3 $WORK/top.py $WORK/deck.md" \
  -n "sync, one card added or removed at the top" "$BIN sync $WORK/deck.md"

# Review some cards so the store has history, then settle the file (a quiz trusts a file's
# size and time only when it is older than its last sync).
cp "$WORK/deck.orig.md" "$WORK/deck.md"
"$BIN" sync "$WORK/deck.md" > /dev/null
printf '\n3\n%.0s' $(seq 1 20) | "$BIN" quiz "$WORK/deck.md" --plain > /dev/null 2>&1
touch -d '1 hour ago' "$WORK/deck.md"

echo "== quiz start: time until the first card is on stdout (plain mode), 30 runs"
python3 - "$BIN" "$WORK/deck.md" <<'EOF'
import statistics, subprocess, sys, time
binary, deck = sys.argv[1], sys.argv[2]
times = []
# One untimed run: the `touch` above changed the file's time, so the first quiz re-syncs.
subprocess.run([binary, "quiz", deck, "--plain"], input=b"q\n", capture_output=True)
for _ in range(30):
    start = time.perf_counter()
    child = subprocess.Popen([binary, "quiz", deck, "--plain"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    child.stdout.readline()
    times.append((time.perf_counter() - start) * 1000)
    child.communicate(b"q\n")
times.sort()
print(f"first card after {statistics.median(times):.1f} ms median "
      f"(min {times[0]:.1f}, max {times[-1]:.1f})")
EOF
hyperfine --warmup 3 --runs 30 -n "quiz: first card, then q" \
  "echo q | $BIN quiz $WORK/deck.md --plain"
hyperfine --warmup 3 --runs 30 -n "quiz of the built-in deck: first card, then q" \
  "echo q | $BIN --plain"
hyperfine --warmup 1 --runs 10 -n "stats" "$BIN stats"
echo "store: $(du -h "$MDCARDS_DB" | cut -f1)"
