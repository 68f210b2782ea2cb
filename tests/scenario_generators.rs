//! Generators: over thousands of seeds, every question's answer is what an independent run
//! of the simulator on the question's own situation yields; every trap occurs; explanations
//! cite the paper; the same seed gives the same question; seeds give varied questions.

use std::collections::{BTreeMap, BTreeSet};

use mdcards::raft::{Cluster, ClusterConfig, Entry, Envelope, Message, NodeState, Note, Role};
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
        GeneratorKind::LeaderCommitIndex => {
            let (_, to, _) = situation.message.clone().unwrap();
            let (cluster, _) = deliver(situation);
            Answer::Number(cluster.node(to).commit_index())
        }
    }
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
            assert!(!question.timeline.contains('\u{1b}'), "no colour codes");
            assert!(!question.timeline.is_empty());
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
