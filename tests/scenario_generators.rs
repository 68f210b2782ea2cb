//! Generators: over thousands of seeds, every question's answer is what an independent run
//! of the simulator on the question's own situation yields; every trap occurs; explanations
//! cite the paper; the same seed gives the same question; seeds give varied questions.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use mdcards::raft::{
    Cluster, ClusterConfig, Entry, Envelope, Event, Message, NodeState, Note, Role,
};
use mdcards::scenario::generate::partition;
use mdcards::scenario::{Answer, GeneratorKind, Question, Situation, generate};

const SEEDS: u64 = 2_000;

/// The situation's nodes as the simulator declares states.
fn states_of(situation: &Situation) -> Vec<NodeState> {
    situation
        .nodes
        .iter()
        .map(|view| NodeState {
            role: view.role,
            term: view.term,
            voted_for: Some(view.voted_for),
            log: view.log.iter().map(|&term| Entry::new(term, "")).collect(),
            commit_index: view.commit_index,
            election_timeout: view.timer.map(|timer| timer.timeout),
            election_elapsed: view.timer.map_or(0, |timer| timer.elapsed),
            next_index: view.next_index.clone().unwrap_or_default(),
            match_index: view.match_index.clone().unwrap_or_default(),
        })
        .collect()
}

/// The situation as a cluster, built directly (not through the script language).
fn cluster_of(situation: &Situation, trace: bool) -> Cluster {
    let mut config = ClusterConfig::new(situation.nodes.len() as u32, 0);
    config.trace = trace;
    for option in &situation.options {
        let words: Vec<&str> = option.split_whitespace().collect();
        match words.as_slice() {
            ["conflict-hint", "on"] => config.node.conflict_hint = true,
            ["noop", "on"] => config.node.noop_on_election = true,
            ["max-entries", k] => config.node.max_entries_per_append = k.parse().unwrap(),
            ["election-timeout", t] => config.node.election_timeout = t.parse().unwrap(),
            ["heartbeat", h] => config.node.heartbeat_interval = h.parse().unwrap(),
            _ => panic!("option the test does not know: {option}"),
        }
    }
    let mut cluster =
        Cluster::with_states(config, &states_of(situation)).expect("the situation sets up");
    for view in &situation.nodes {
        if view.crashed {
            cluster.crash(view.id);
        }
    }
    cluster
}

/// Delivers the situation's message and returns the cluster after it and what its receiver
/// answered.
fn deliver(situation: &Situation) -> (Cluster, Option<Message>) {
    let mut cluster = cluster_of(situation, false);
    let (from, to, message) = situation.message.clone().expect("a message");
    cluster
        .inject(Envelope { from, to, message })
        .expect("delivery");
    let reply = cluster
        .network()
        .pending()
        .into_iter()
        .rev()
        .find(|m| m.envelope.from == to && m.envelope.to == from)
        .map(|m| m.envelope.message.clone());
    (cluster, reply)
}

/// The answer an independent run gives to each kind's question.
fn independent_answer(kind: GeneratorKind, question: &Question) -> Answer {
    let situation = &question.situation;
    match kind {
        GeneratorKind::VoteDecision => match deliver(situation).1 {
            Some(Message::RequestVoteResponse(reply)) => Answer::YesNo(reply.vote_granted),
            other => panic!("no vote response: {other:?}"),
        },
        GeneratorKind::TermStepDown => {
            let (_, to, _) = situation.message.clone().unwrap();
            let (cluster, _) = deliver(situation);
            match question.answer {
                Answer::Role(_) => Answer::Role(cluster.node(to).role()),
                _ => Answer::Number(cluster.node(to).term()),
            }
        }
        GeneratorKind::AppendEntriesReceiver => {
            let (_, to, _) = situation.message.clone().unwrap();
            let (cluster, reply) = deliver(situation);
            match question.answer {
                Answer::YesNo(_) => match reply {
                    Some(Message::AppendEntriesResponse(reply)) => Answer::YesNo(reply.success),
                    other => panic!("no AppendEntries response: {other:?}"),
                },
                Answer::Log(_) => Answer::Log(cluster.node(to).log().terms()),
                _ => Answer::Number(cluster.node(to).commit_index()),
            }
        }
        GeneratorKind::LogRepair => {
            let (ids, counting) = asked(question);
            let leader = leader_of(situation);
            let follower = ids[0];
            let mut cluster = cluster_of(situation, true);
            cluster.time_out(leader).unwrap();
            cluster.stabilize(100_000).unwrap();
            match question.answer {
                Answer::Log(_) => Answer::Log(cluster.node(follower).log().terms()),
                _ if counting => Answer::Number(refusals(&cluster, follower, leader)),
                _ => Answer::Number(cluster.node(follower).commit_index()),
            }
        }
        GeneratorKind::ElectionWinner => {
            let mut cluster = cluster_of(situation, true);
            while cluster.leader().is_none() {
                assert!(cluster.now() < 1_000, "no leader");
                cluster.tick().unwrap();
            }
            let leader = cluster.leader().unwrap();
            let line = question.script.lines().last().unwrap();
            match question.answer {
                Answer::Node(_) => Answer::Node(Some(leader)),
                _ if line.ends_with("tick") => Answer::Number(cluster.now()),
                _ => Answer::Number(cluster.node(leader).term()),
            }
        }
        GeneratorKind::PartitionSurvivor => {
            let mut cluster = cluster_of(situation, false);
            while !partition::settled(&cluster) {
                assert!(cluster.now() < 1_000, "never settles");
                cluster.tick().unwrap();
            }
            let leader = cluster.leader().unwrap();
            let (ids, _) = asked(question);
            let line = question.script.lines().last().unwrap();
            match question.answer {
                Answer::Node(_) => Answer::Node(Some(leader)),
                Answer::Log(_) => Answer::Log(cluster.node(ids[0]).log().terms()),
                _ if line.ends_with("commitIndex") => {
                    Answer::Number(cluster.node(ids[0]).commit_index())
                }
                _ => Answer::Number(cluster.node(leader).term()),
            }
        }
        GeneratorKind::LeaderCommitIndex => {
            let (_, to, _) = situation.message.clone().unwrap();
            let (cluster, _) = deliver(situation);
            Answer::Number(cluster.node(to).commit_index())
        }
    }
}

/// The node ids the question's `ask` line names, in order, and whether it counts refusals.
fn asked(question: &Question) -> (Vec<u32>, bool) {
    let line = question.script.lines().last().unwrap();
    let ids = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|word| word.parse().ok())
        .collect();
    (ids, line.ends_with("refusals"))
}

/// The live leader of the highest term in the situation.
fn leader_of(situation: &Situation) -> u32 {
    situation
        .nodes
        .iter()
        .filter(|n| n.role == Role::Leader && !n.crashed)
        .max_by_key(|n| n.term)
        .unwrap()
        .id
}

/// How many refusals `from` sent `to` in a traced run.
fn refusals(cluster: &Cluster, from: u32, to: u32) -> u64 {
    cluster
        .trace()
        .unwrap()
        .events
        .iter()
        .filter(|e| match &e.event {
            Event::Sent { message, .. } => {
                message.from == from
                    && message.to == to
                    && matches!(&message.message, Message::AppendEntriesResponse(r) if !r.success)
            }
            _ => false,
        })
        .count() as u64
}

fn instances(kind: GeneratorKind) -> Vec<Question> {
    (0..SEEDS).map(|seed| generate(kind, seed)).collect()
}

#[test]
fn answers_agree_with_an_independent_run() {
    for kind in GeneratorKind::ALL {
        for question in instances(kind) {
            assert_eq!(
                independent_answer(kind, &question),
                question.answer,
                "{kind}: {}\n{}",
                question.prompt,
                question.script
            );
        }
    }
}

#[test]
fn explanations_cite_a_section_and_prompts_ask() {
    for kind in GeneratorKind::ALL {
        for question in instances(kind).iter().take(300) {
            assert!(
                question.explanation.contains('§'),
                "{}",
                question.explanation
            );
            assert!(question.prompt.ends_with('?'), "{}", question.prompt);
            let timeline = mdcards::raft_render::questions_timeline(std::slice::from_ref(question))
                .expect("a timeline");
            assert!(!timeline.contains('\u{1b}'), "no colour codes");
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_question() {
    for kind in GeneratorKind::ALL {
        for seed in [0, 1, 77, u64::MAX] {
            assert_eq!(generate(kind, seed), generate(kind, seed));
        }
    }
}

#[test]
fn seeds_give_varied_questions() {
    for kind in GeneratorKind::ALL {
        let questions: Vec<Question> = (0..200).map(|seed| generate(kind, seed)).collect();
        let prompts: BTreeSet<&str> = questions.iter().map(|q| q.prompt.as_str()).collect();
        assert!(
            prompts.len() >= 150,
            "{kind}: {} distinct prompts of 200",
            prompts.len()
        );
        let answers: BTreeSet<String> = questions.iter().map(|q| q.answer.to_string()).collect();
        assert!(answers.len() >= 2, "{kind}: answers never vary");
    }
}

/// The receiver's notes when the situation's message is delivered, independently.
fn notes_of(situation: &Situation) -> Vec<Note> {
    let mut cluster = cluster_of(situation, true);
    let (from, to, message) = situation.message.clone().unwrap();
    cluster.inject(Envelope { from, to, message }).unwrap();
    cluster
        .trace()
        .unwrap()
        .notes()
        .filter(|(_, node, _)| *node == to)
        .map(|(_, _, note)| note.clone())
        .collect()
}

#[test]
fn every_vote_trap_occurs() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for question in instances(GeneratorKind::VoteDecision) {
        let situation = &question.situation;
        let (_, to, message) = situation.message.clone().unwrap();
        let Message::RequestVote(request) = message else {
            panic!("not a RequestVote")
        };
        let voter = situation.node(to).unwrap();
        let voter_last = (
            voter.log.last().copied().unwrap_or(0),
            voter.log.len() as u64,
        );
        let notes = notes_of(situation);
        let higher_term = request.term > voter.term;
        for note in &notes {
            let trap = match note {
                Note::VoteRefusedLastTerm { .. }
                    if request.last_log_index > voter_last.1 && higher_term =>
                {
                    "longer log, older last term, higher term: refused"
                }
                Note::VoteRefusedShorterLog { .. } if higher_term => {
                    "same last term, shorter log, higher term: refused"
                }
                Note::VoteRefusedAlreadyVoted { .. } => "already voted this term: refused",
                Note::StaleRequestRefused { .. } => "older term: refused",
                Note::VoteGranted { .. }
                    if request.last_log_index < voter_last.1
                        && request.last_log_term > voter_last.0 =>
                {
                    "shorter log, newer last term: granted"
                }
                Note::VoteGranted { .. } => "granted",
                _ => continue,
            };
            *seen.entry(trap).or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    for (trap, count) in &seen {
        assert!(*count >= SEEDS as usize / 20, "{trap}: only {count}");
    }
}

#[test]
fn every_commit_outcome_occurs_including_figure_8() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for question in instances(GeneratorKind::LeaderCommitIndex) {
        let situation = &question.situation;
        let (_, leader, _) = situation.message.clone().unwrap();
        let view = situation.node(leader).unwrap();
        assert_eq!(view.role, Role::Leader);
        let notes = notes_of(situation);
        let outcome = notes
            .iter()
            .find_map(|note| match note {
                Note::LeaderCommitAdvanced { old, new, .. } => Some(
                    if (old + 1..=*new).any(|i| view.log[i as usize - 1] != view.term) {
                        "advanced past older-term entries"
                    } else {
                        "advanced"
                    },
                ),
                Note::CommitWaitsForCurrentTerm { .. } => Some("figure 8: majority, older term"),
                _ => None,
            })
            .unwrap_or("no majority");
        *seen.entry(outcome).or_default() += 1;
        if situation.nodes.len() % 2 == 0 && outcome == "no majority" {
            *seen.entry("even cluster, no majority").or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 5, "{seen:?}");
    for (outcome, count) in &seen {
        assert!(*count >= SEEDS as usize / 40, "{outcome}: only {count}");
    }
}

#[test]
fn every_role_message_and_term_comparison_occurs() {
    let mut seen: BTreeMap<(String, String, Ordering), usize> = BTreeMap::new();
    let mut asked = BTreeSet::new();
    for question in instances(GeneratorKind::TermStepDown) {
        let situation = &question.situation;
        let (_, to, message) = situation.message.clone().unwrap();
        let receiver = situation.node(to).unwrap();
        let key = (
            receiver.role.to_string(),
            message.kind().to_string(),
            message.term().cmp(&receiver.term),
        );
        *seen.entry(key).or_default() += 1;
        asked.insert(format!("{:?}", question.answer.kind()));
    }
    // 3 roles x 4 messages x 3 comparisons, less the one Election Safety forbids: a leader
    // never gets an AppendEntries of its own term.
    assert_eq!(seen.len(), 35, "{seen:?}");
    assert!(!seen.contains_key(&("leader".into(), "AppendEntries".into(), Ordering::Equal)));
    assert!(seen.values().all(|&count| count >= 10), "{seen:?}");
    assert_eq!(asked.len(), 2, "role and term questions");
}

#[test]
fn every_append_entries_case_occurs() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut asked = BTreeSet::new();
    for question in instances(GeneratorKind::AppendEntriesReceiver) {
        asked.insert(format!("{:?}", question.answer.kind()));
        let notes = notes_of(&question.situation);
        let has = |f: &dyn Fn(&Note) -> bool| notes.iter().any(f);
        let case = if has(&|n| matches!(n, Note::StaleRequestRefused { .. })) {
            "older term: refused"
        } else if has(&|n| matches!(n, Note::AppendRefusedMissingEntry { .. })) {
            "no entry at prevLogIndex: refused"
        } else if has(&|n| matches!(n, Note::AppendRefusedTermMismatch { .. })) {
            "other term at prevLogIndex: refused"
        } else if has(
            &|n| matches!(n, Note::FollowerCommitAdvanced { new, leader_commit, .. } if new < leader_commit),
        ) {
            "commitIndex bounded by the last new entry"
        } else if has(&|n| matches!(n, Note::ConflictTruncated { .. })) {
            "conflicting suffix deleted"
        } else if has(&|n| matches!(n, Note::EntriesAppended { .. })) {
            "entries appended"
        } else if has(&|n| matches!(n, Note::DuplicatesKept { .. })) {
            "duplicates kept, nothing deleted"
        } else if has(&|n| matches!(n, Note::AppendAccepted { entries: 0, .. })) {
            "heartbeat accepted"
        } else {
            "other"
        };
        *seen.entry(case).or_default() += 1;
    }
    assert_eq!(seen.len(), 8, "{seen:?}");
    assert!(!seen.contains_key("other"), "{seen:?}");
    for (case, count) in &seen {
        assert!(*count >= SEEDS as usize / 20, "{case}: only {count}");
    }
    assert_eq!(asked.len(), 3, "success, log and commitIndex questions");
}

#[test]
fn every_figure_7_shape_occurs_with_and_without_the_hint() {
    let mut seen: BTreeMap<(&str, bool), usize> = BTreeMap::new();
    for question in instances(GeneratorKind::LogRepair) {
        let situation = &question.situation;
        let leader = situation.node(leader_of(situation)).unwrap();
        let (ids, _) = asked(&question);
        let follower = situation.node(ids[0]).unwrap();
        let common = leader
            .log
            .iter()
            .zip(&follower.log)
            .take_while(|(a, b)| a == b)
            .count();
        let shape = if common == follower.log.len() {
            "entries missing"
        } else if common == leader.log.len() {
            "extra entries"
        } else {
            "conflicting entries"
        };
        let hint = situation.options.iter().any(|o| o == "conflict-hint on");
        *seen.entry((shape, hint)).or_default() += 1;
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
    assert!(seen.values().all(|&count| count >= 40), "{seen:?}");
}

#[test]
fn elections_are_won_by_the_first_timer_or_not_and_ties_occur() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for question in instances(GeneratorKind::ElectionWinner) {
        let situation = &question.situation;
        let live: Vec<_> = situation.nodes.iter().filter(|n| !n.crashed).collect();
        assert_eq!(live.len() + 1, situation.nodes.len(), "one crashed leader");
        let fires = |n: &&mdcards::raft::NodeView| {
            let timer = n.timer.expect("explicit timers");
            timer.timeout - timer.elapsed
        };
        let first = live.iter().map(fires).min().unwrap();
        let firsts: Vec<u32> = live
            .iter()
            .filter(|n| fires(n) == first)
            .map(|n| n.id)
            .collect();
        let mut cluster = cluster_of(situation, false);
        while cluster.leader().is_none() {
            cluster.tick().unwrap();
        }
        let race = if firsts.len() > 1 {
            "two timers fire together"
        } else if cluster.leader() == Some(firsts[0]) {
            "the first timer wins"
        } else {
            "the first timer's node cannot win"
        };
        *seen.entry(race).or_default() += 1;
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.values().all(|&count| count >= 100), "{seen:?}");
}

#[test]
fn partitions_heal_with_the_old_leader_on_either_side() {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for question in instances(GeneratorKind::PartitionSurvivor) {
        let situation = &question.situation;
        assert_eq!(situation.partition.len(), 2, "two sides");
        let minority = situation
            .partition
            .iter()
            .min_by_key(|side| side.len())
            .unwrap();
        let oldest_leader = situation
            .nodes
            .iter()
            .filter(|n| n.role == Role::Leader)
            .min_by_key(|n| n.term)
            .unwrap();
        let side = if minority.contains(&oldest_leader.id) {
            "old leader in the minority"
        } else {
            "old leader in the majority"
        };
        *seen.entry(side).or_default() += 1;
        let lost = minority.iter().any(|&id| {
            let node = situation.node(id).unwrap();
            node.log.len() as u64 > node.commit_index
        });
        if lost && question.answer.kind() == mdcards::scenario::AnswerKind::Log {
            *seen
                .entry("uncommitted minority entries asked about")
                .or_default() += 1;
        }
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.values().all(|&count| count >= 100), "{seen:?}");
}
