//! Log repair, as in Figure 7 of the paper: a newly elected leader and a follower whose log
//! differs (entries missing, extra uncommitted entries, entries of other terms). The leader's
//! heartbeats start at nextIndex = its last index + 1; each refusal backs nextIndex off by
//! one (or, with the conflict-term hint, past a whole term) until the logs agree, then the
//! follower's conflicting suffix is replaced. How many refusals? What is the follower's log
//! after? Its commitIndex?

use super::GeneratorKind;
use super::draft::{Draft, describe_node, state_lines, terms};
use super::history::{History, all_but, pick, shuffle};
use crate::raft::{NodeId, Role};
use crate::rng::SplitMix64;
use crate::scenario::question::Question;

/// How the follower's log differs from the leader's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A prefix of the leader's: entries are only missing.
    Missing,
    /// Longer than the longest common prefix with extra entries the leader does not have.
    Extra,
    /// Entries of other terms before the leader's last entry.
    Conflicting,
}

/// The shape of `follower`'s log against `leader`'s.
pub fn shape_of(leader: &[u64], follower: &[u64]) -> Shape {
    let common = leader
        .iter()
        .zip(follower)
        .take_while(|(a, b)| a == b)
        .count();
    if common == follower.len() {
        Shape::Missing
    } else if common == leader.len() {
        Shape::Extra
    } else {
        Shape::Conflicting
    }
}

pub fn question(seed: u64, rng: &mut SplitMix64) -> Option<Result<Question, String>> {
    let mut aims = SplitMix64::derive(seed, "log-repair/aim");
    let shape = pick(
        &mut aims,
        &[Shape::Missing, Shape::Extra, Shape::Conflicting],
    );
    let hint = aims.chance(0.3);
    let asked = pick(&mut aims, &["refusals", "refusals", "log", "commitIndex"]);
    let size = pick(rng, &[3, 5, 5, 7]);
    let mut h = History::new(size);
    let mut ids: Vec<NodeId> = (1..=size).collect();
    shuffle(rng, &mut ids);
    let (leader, follower) = (ids[0], ids[1]);
    // Entries everyone has, from a first leader that is neither of the two.
    let first = ids[2];
    let all_but_first: Vec<NodeId> = all_but(&ids, first);
    h.elect(first, &all_but_first);
    h.replicate(first, rng.range(1, 3), &all_but_first);
    match shape {
        Shape::Missing => {
            // The first leader goes on without the follower.
            let without: Vec<NodeId> = ids[2..].iter().copied().chain([leader]).collect();
            h.replicate(first, rng.range(2, 6), &without);
        }
        Shape::Extra => {
            // Entries only the follower (and the leader that wrote them) kept: with three
            // nodes that leader must be the follower itself, or they would be on a majority.
            let extra = rng.range(1, 4);
            if size == 3 {
                h.step_down(first);
                if !h.elect(follower, &[first]) {
                    return None;
                }
                h.replicate(follower, extra, &[]);
            } else {
                h.replicate(first, extra, &[follower]);
            }
        }
        Shape::Conflicting => {
            // An old leader's entries on the follower; a later leader's elsewhere.
            let mut rest: Vec<NodeId> = ids[2..].to_vec();
            shuffle(rng, &mut rest);
            let short = if size == 3 { leader } else { rest.remove(0) };
            if size == 3 {
                rest = vec![first];
            } else {
                rest.insert(1.min(rest.len()), leader);
            }
            h.diverge(rng, follower, short, &rest)?;
        }
    }
    // The leader wins (again) without the follower, so it knows nothing of the follower's
    // log: nextIndex starts past its own last entry.
    h.step_down(follower);
    let voters = h.reelect_without(leader, follower)?;
    if rng.chance(0.4) {
        h.replicate(leader, rng.range(1, 3), &voters);
    }
    let cluster = &h.cluster;
    let highest = h.ids().into_iter().map(|id| h.term(id)).max().unwrap_or(0);
    if h.role(leader) != Role::Leader || highest > h.term(leader) {
        return None;
    }
    let leader_log = cluster.node(leader).log().terms();
    let follower_log = cluster.node(follower).log().terms();
    if leader_log == follower_log || shape_of(&leader_log, &follower_log) != shape {
        return None;
    }

    let mut state = state_lines(cluster, &[]);
    if hint {
        state.insert(1, "option conflict-hint on".to_owned());
    }
    let (question_text, ask) = match asked {
        "refusals" => (
            format!("How many of the leader's AppendEntries does node {follower} refuse?"),
            format!("ask {follower} -> {leader} refusals"),
        ),
        "log" => (
            format!("What is node {follower}'s log once the messages settle?"),
            format!("ask {follower} log"),
        ),
        _ => (
            format!("What is node {follower}'s commitIndex once the messages settle?"),
            format!("ask {follower} commitIndex"),
        ),
    };
    let leader_node = cluster.node(leader);
    let hint_text = if hint {
        " Refusals carry the conflict-term hint (the term of the follower's conflicting entry and the first index of that term, or the follower's log length), and the leader skips back past that whole term."
    } else {
        " Each refusal makes the leader back nextIndex off by one and retry."
    };
    let prompt = format!(
        "In a {size}-node Raft cluster, node {leader} has just won the election for term {}, with log `{}` and commitIndex {}; its nextIndex for node {follower} is {}. Node {follower} is {}. The leader sends its heartbeats and every message is delivered.{hint_text}\n\n{question_text}",
        leader_node.term(),
        terms(&leader_log),
        leader_node.commit_index(),
        leader_node.next_index(follower).unwrap_or(0),
        describe_node(cluster, follower),
    );
    let rule = if hint {
        "§5.3 (end): with the conflict-term optimisation a refusal names the conflicting term, so the leader skips all of that term's entries at once instead of one per round trip; once the follower accepts, its conflicting suffix is deleted and the leader's entries appended, and its commitIndex follows min(leaderCommit, last new entry).".to_owned()
    } else {
        "§5.3: the leader starts nextIndex just past its last entry; each refusal (the consistency check on prevLogIndex/prevLogTerm fails) backs nextIndex off by one; once the follower accepts, its conflicting suffix is deleted and the leader's entries appended, and its commitIndex follows min(leaderCommit, last new entry).".to_owned()
    };
    let draft = Draft {
        state,
        setup: Vec::new(),
        events: vec![format!("timeout {leader}"), "stabilize".to_owned()],
        ask,
        prompt,
        rule,
    };
    Some(draft.finish(GeneratorKind::LogRepair, seed))
}
