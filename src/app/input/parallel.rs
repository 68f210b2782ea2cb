//! The loading pipeline's stages on every core: the pure cores never spawn threads, so the
//! work that a big notes file makes (parsing it, checking its Raft message blocks) is cut
//! into shares here, each share computed by the pure code, and the results put back in
//! order. Each function gives exactly what one call on the whole file gives.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::notes::{self, Diagnostic, LineIndex};

/// Parts a big file is cut into, per core: joining copies each part's cards once, and a
/// small part is freed right after, so the copy never doubles a big share of the deck.
const PARTS_PER_CORE: usize = 4;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `notes::parse_file`, with a big file cut into parts parsed on every core (the pure
/// parser never spawns threads). The parts give exactly the whole file's cards and
/// diagnostics, or are refused and the file is parsed whole.
pub fn parse_file(path: &Path, text: &str, deck: Option<&str>) -> notes::ParsedFile {
    let cores = cores();
    let plan = notes::plan_parts(path, text, deck, cores * PARTS_PER_CORE);
    if plan.len() > 1 {
        let next = AtomicUsize::new(0);
        let mut parts: Vec<(usize, notes::ParsedPart)> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..cores.min(plan.len()))
                .map(|_| {
                    scope.spawn(|| {
                        let mut parsed = Vec::new();
                        loop {
                            let index = next.fetch_add(1, Ordering::Relaxed);
                            if index >= plan.len() {
                                return parsed;
                            }
                            parsed.push((index, notes::parse_part(path, text, &plan, index)));
                        }
                    })
                })
                .collect();
            workers
                .into_iter()
                .flat_map(|worker| {
                    worker
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        parts.sort_by_key(|(index, _)| *index);
        let parts = parts.into_iter().map(|(_, part)| part).collect();
        if let Some(parsed) = notes::join_parts(path, text, &plan, deck, parts) {
            return parsed;
        }
    }
    notes::parse_file(path, text, deck)
}

/// `scenario::messages::check_cards` on a file's cards (`card_lines`, in file order): one
/// share a core for a big file (checking re-reads each card with a message block, about a
/// tenth of a 100,000-card export).
pub fn check_messages(path: &Path, text: &str, card_lines: &[u32]) -> Vec<Diagnostic> {
    let shares = if text.len() < notes::MIN_PART {
        1
    } else {
        cores()
    };
    check_messages_in(path, text, card_lines, shares)
}

/// `check_messages` with the cards cut into `shares` runs checked on separate threads. A
/// run ends where the next run's first card starts; all share one line index of the whole
/// file, so each card's stretch, lines and places are those of the whole file.
fn check_messages_in(
    path: &Path,
    text: &str,
    card_lines: &[u32],
    shares: usize,
) -> Vec<Diagnostic> {
    let share = card_lines.len().div_ceil(shares.max(1)).max(1);
    if share >= card_lines.len() || !text.contains("json") {
        return crate::scenario::messages::check_cards(path, text, card_lines);
    }
    let lines = LineIndex::new(text);
    let runs: Vec<&[u32]> = card_lines.chunks(share).collect();
    let ends: Vec<usize> = runs
        .iter()
        .skip(1)
        .map(|run| lines.offset(run[0], 1).unwrap_or(text.len()))
        .chain([text.len()])
        .collect();
    std::thread::scope(|scope| {
        let checks: Vec<_> = runs
            .iter()
            .zip(&ends)
            .map(|(run, &end)| {
                let lines = &lines;
                scope
                    .spawn(move || crate::scenario::messages::check_card_run(path, lines, run, end))
            })
            .collect();
        checks
            .into_iter()
            .flat_map(|check| {
                check
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_checked_in_shares_are_those_of_one_check() {
        let bad = include_str!("../../../tests/fixtures/messages/bad.md");
        // Enough cards that every share holds several, some with bad messages.
        let text = bad.repeat(4);
        let path = Path::new("notes/bad.md");
        let card_lines: Vec<u32> = notes::parse_file(path, &text, None)
            .cards
            .iter()
            .map(|card| card.location.line)
            .collect();
        let whole = crate::scenario::messages::check_cards(path, &text, &card_lines);
        assert!(whole.len() >= 8, "the fixture's problems, four times");
        for shares in [2, 3, 7, card_lines.len(), card_lines.len() + 5] {
            assert_eq!(
                check_messages_in(path, &text, &card_lines, shares),
                whole,
                "{shares} shares"
            );
        }
    }
}
