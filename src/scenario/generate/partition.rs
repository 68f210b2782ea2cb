//! What survives a healed partition: the cluster is split, each side has done what it could
//! (a leader cut off in a minority kept taking commands it cannot commit; the majority
//! elected a leader of a newer term and committed; nodes alone kept starting elections and
//! raising their terms). The partition heals and the cluster settles. What is a node's log
//! then, who leads, in which term? (§5.1, §5.3, §5.4)

use super::GeneratorKind;
use super::draft::{Draft, describe_node, first_tick, state_lines};
use super::history::{History, all_but, pick, shuffle};
use crate::raft::{Cluster, NodeId, Role};
use crate::rng::SplitMix64;
use crate::scenario::question::Question;

/// Ticks the look-ahead allows for the cluster to settle.
const HORIZON: u64 = 600;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// The old leader is in the minority: its new entries are lost.
    LeaderInMinority,
    /// The old leader keeps the majority; the minority only raised terms.
    LeaderInMajority,
}

/// What "once the cluster has settled" means in these questions: there is a leader, and
/// every other node is its follower, with its log and its commitIndex.
pub fn settled(cluster: &Cluster) -> bool {
    cluster.leader().is_some_and(|leader| {
        let lead = cluster.node(leader);
        cluster.nodes().iter().all(|node| {
            node.log() == lead.log()
                && node.commit_index() == lead.commit_index()
                && (node.id() == leader || node.role() == Role::Follower)
        })
    })
}

pub fn question(seed: u64, rng: &mut SplitMix64) -> Option<Result<Question, String>> {
    let mut aims = SplitMix64::derive(seed, "healed-partition/aim");
    let split = pick(
        &mut aims,
        &[Split::LeaderInMinority, Split::LeaderInMajority],
    );
    let asked = pick(
        &mut aims,
        &["log", "log", "log", "leader", "term", "commitIndex"],
    );
    let size = pick(rng, &[3, 5, 5]);
    let majority = (size / 2 + 1) as usize;
    let (mut h, ids) = History::established(rng, size);
    let old_leader = ids[0];
    let rest: Vec<NodeId> = ids[1..].to_vec();

    // The sides: the minority holds 1 .. majority - 1 nodes.
    let minority_size = rng.range(1, majority as u64) as usize;
    let (minority, majority_side): (Vec<NodeId>, Vec<NodeId>) = match split {
        Split::LeaderInMinority => {
            let mut minority = vec![old_leader];
            minority.extend(rest.iter().copied().take(minority_size - 1));
            let majority_side = rest.iter().copied().skip(minority_size - 1).collect();
            (minority, majority_side)
        }
        Split::LeaderInMajority => {
            let minority: Vec<NodeId> = rest.iter().copied().take(minority_size).collect();
            let mut majority_side = vec![old_leader];
            majority_side.extend(rest.iter().copied().skip(minority_size));
            (minority, majority_side)
        }
    };
    // The old leader replicates to its side; a majority without it elects a new one.
    let leader_side = if split == Split::LeaderInMinority {
        &minority
    } else {
        &majority_side
    };
    h.replicate(
        old_leader,
        rng.range(1, 4),
        &all_but(leader_side, old_leader),
    );
    if split == Split::LeaderInMinority {
        let new_leader = pick(rng, &majority_side);
        let voters = all_but(&majority_side, new_leader);
        if !h.elect(new_leader, &voters) {
            return None;
        }
        h.replicate(new_leader, rng.range(0, 4), &voters);
    }
    // Nodes cut off from a leader keep timing out.
    for &id in &minority {
        if h.role(id) != Role::Leader {
            for _ in 0..rng.range(0, 4) {
                h.failed_election(id);
            }
        }
    }

    // Timers: distinct, and the leaders' heartbeats (every 3 ticks) come well within them.
    let mut timeouts: Vec<u64> = (10..30).collect();
    shuffle(rng, &mut timeouts);
    let timers: Vec<(NodeId, u64, u64)> = ids
        .iter()
        .enumerate()
        .map(|(rank, &id)| {
            // A leader's timer starts afresh when it steps down.
            let elapsed = if h.role(id) == Role::Leader {
                0
            } else {
                rng.range(0, 5)
            };
            (id, timeouts[rank], elapsed)
        })
        .collect();
    let state = state_lines(&h.cluster, &timers);
    let groups = |side: &[NodeId]| {
        let mut side = side.to_vec();
        side.sort_unstable();
        side.iter()
            .map(NodeId::to_string)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let partition = format!(
        "partition {} | {}",
        groups(&minority),
        groups(&majority_side)
    );

    // Look ahead for when the healed cluster has settled.
    let settled = first_tick(&state, HORIZON, settled)?;

    let watched = pick(rng, &minority);
    let (question_text, ask) = match asked {
        "log" => (
            format!("What is node {watched}'s log once the cluster has settled?"),
            format!("ask {watched} log"),
        ),
        "commitIndex" => (
            format!("What is node {watched}'s commitIndex once the cluster has settled?"),
            format!("ask {watched} commitIndex"),
        ),
        "leader" => (
            "Which node leads once the cluster has settled?".to_owned(),
            "ask leader".to_owned(),
        ),
        _ => (
            "In which term is the leader once the cluster has settled?".to_owned(),
            "ask leader term".to_owned(),
        ),
    };
    let mut described = String::new();
    for id in 1..=size {
        let Some(&(_, timeout, elapsed)) = timers.iter().find(|(node, _, _)| *node == id) else {
            continue;
        };
        let timer = if h.role(id) == Role::Leader {
            format!("election timeout {timeout} ticks once it is a follower")
        } else {
            format!(
                "its election timer fires in {} ticks unless a leader is heard",
                timeout - elapsed
            )
        };
        described.push_str(&format!(
            "- node {id} ({}): {}; {timer}\n",
            if minority.contains(&id) {
                "minority"
            } else {
                "majority"
            },
            describe_node(&h.cluster, id),
        ));
    }
    let prompt = format!(
        "A {size}-node Raft cluster is partitioned into {{{}}} and {{{}}}:\n\n{described}\nThe partition heals; leaders send heartbeats every 3 ticks, messages take 1 tick, and the cluster runs until it settles ({settled} ticks).\n\n{question_text}",
        groups(&minority).replace(' ', ", "),
        groups(&majority_side).replace(' ', ", "),
    );
    let rule = "§5.1: any node that sees a higher term steps down, so a stale leader yields to the newer leader's AppendEntries, and a node whose term rose while cut off can force a new election; §5.4.1: only a node with an up-to-date log can win it, so the majority's committed entries survive; §5.3: a follower's entries that conflict with the leader's are deleted, so entries a minority leader could not commit are lost.".to_owned();
    let draft = Draft {
        state,
        setup: vec![partition],
        events: vec!["heal".to_owned(), format!("tick {settled}")],
        ask,
        prompt,
        rule,
    };
    Some(draft.finish(GeneratorKind::PartitionSurvivor, seed))
}
