//! Who wins the election, and when: the leader has crashed and every other node's election
//! timer is given (its timeout and the ticks already elapsed). Messages take one tick.
//! Which node becomes leader, at which tick, in which term? (§5.2, §5.4.1)
//!
//! The traps: the first timer to fire may belong to a node whose log is behind, which
//! cannot win (§5.4.1), so a later one does, in a higher term; two timers firing together
//! split the vote; the crashed leader still counts in the majority.

use std::fmt::Write;

use super::GeneratorKind;
use super::draft::{Draft, first_tick, state_lines, terms};
use super::history::{History, pick, shuffle};
use crate::raft::{NodeId, Role};
use crate::rng::SplitMix64;
use crate::scenario::question::Question;

/// Ticks the look-ahead allows for an election to finish.
const HORIZON: u64 = 400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Race {
    /// The first timer to fire wins.
    FirstWins,
    /// The first timer's node cannot win; another does, later.
    FirstLoses,
    /// Two timers fire in the same tick.
    Tie,
}

pub fn question(seed: u64, rng: &mut SplitMix64) -> Option<Result<Question, String>> {
    let mut aims = SplitMix64::derive(seed, "election-winner/aim");
    let race = pick(
        &mut aims,
        &[
            Race::FirstWins,
            Race::FirstLoses,
            Race::FirstLoses,
            Race::Tie,
        ],
    );
    let asked = pick(&mut aims, &["leader", "leader", "tick", "term"]);
    let size = pick(rng, &[3, 5, 5]);
    // A leader, entries everyone has, then entries only some followers got.
    let (mut h, ids) = History::established(rng, size);
    let old_leader = ids[0];
    let rest: Vec<NodeId> = ids[1..].to_vec();
    let mut some = rest.clone();
    shuffle(rng, &mut some);
    some.truncate(rng.range(1, rest.len() as u64) as usize);
    h.replicate(old_leader, rng.range(1, 3), &some);
    if rng.chance(0.3) {
        h.failed_election(pick(rng, &rest));
    }
    h.cluster.crash(old_leader);
    // The question is about the leader's crash: a draw where it was no longer leader is
    // retried before any look-ahead is paid for (each attempt has its own draws).
    if h.role(old_leader) != Role::Leader {
        return None;
    }

    // Timers: distinct timeouts in [10, 20); when each fires is timeout - elapsed.
    let mut timeouts: Vec<u64> = (10..20).collect();
    shuffle(rng, &mut timeouts);
    let up_to_date = |h: &History, id: NodeId| rest.iter().all(|&other| h.up_to_date(id, other));
    let mut order = rest.clone();
    shuffle(rng, &mut order);
    match race {
        Race::FirstWins => {
            let best = order.iter().position(|&id| up_to_date(&h, id))?;
            order.swap(0, best);
        }
        Race::FirstLoses => {
            let stale = order.iter().position(|&id| !up_to_date(&h, id))?;
            order.swap(0, stale);
        }
        Race::Tie => {}
    }
    let mut timers = Vec::new();
    let mut fire = rng.range(2, 6);
    for (rank, &id) in order.iter().enumerate() {
        if !(race == Race::Tie && rank == 1) {
            fire += if rank == 0 { 0 } else { rng.range(1, 5) };
        }
        let timeout = timeouts[rank].max(fire);
        timers.push((id, timeout, timeout - fire));
    }

    let state = state_lines(&h.cluster, &timers);
    // Look ahead for the tick the first leader is elected.
    let elected = first_tick(&state, HORIZON, |cluster| cluster.leader().is_some())?;

    let mut described = String::new();
    for &(id, timeout, elapsed) in &timers {
        let node = h.cluster.node(id);
        let _ = writeln!(
            described,
            "- node {id}: {} in term {}, log `{}`; its timer fires in {} ticks (timeout {timeout}, {elapsed} elapsed)",
            node.role(),
            node.term(),
            terms(&node.log().terms()),
            timeout - elapsed,
        );
    }
    let (question_text, ask) = match asked {
        "leader" => ("Which node becomes the new leader?", "ask leader"),
        "tick" => (
            "At which tick (now is tick 0) does a node win the election?",
            "ask leader tick",
        ),
        _ => (
            "In which term is the new leader elected?",
            "ask leader term",
        ),
    };
    let old = h.cluster.node(old_leader);
    let prompt = format!(
        "In a {size}-node Raft cluster, node {old_leader}, the leader of term {} with log `{}`, has crashed. The others:\n\n{described}\nA timer that fires makes its node a candidate of the next term; granting a vote or hearing from a leader restarts it. Messages take 1 tick; none is lost.\n\n{question_text}",
        old.term(),
        terms(&old.log().terms()),
    );
    let majority = size / 2 + 1;
    let rule = format!(
        "§5.2: the first node whose timer fires becomes candidate in the next term; it needs {majority} of the {size} votes (the crashed leader counts but cannot vote), and a RequestVote and its answer take a tick each. §5.4.1: a voter refuses a candidate whose log is less up to date than its own, so a node behind the others cannot win; voters still adopt its term, and the next timer's node runs in the term after."
    );
    let draft = Draft {
        state,
        setup: Vec::new(),
        events: vec![format!("tick {elected}")],
        ask: ask.to_owned(),
        prompt,
        rule,
    };
    Some(draft.finish(GeneratorKind::ElectionWinner, seed))
}
