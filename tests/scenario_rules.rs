//! Generators checked against the paper, not against the simulator: for every instance of
//! the question types whose answer follows from Figure 2's rules and the situation shown,
//! the answer is worked out here, rule by rule, from the situation alone (the nodes' terms,
//! votes and logs, and the message about to arrive) and must equal the question's.
//!
//! Where the situation alone does not decide the answer (a candidate counting a vote needs
//! the votes it already has; a commitIndex after a repair depends on every other follower),
//! the instance is counted as not checked, and each test asserts how many were checked.

use mdcards::raft::{
    AppendEntries, AppendEntriesResponse, Index, Message, MessageKind, NodeId, NodeView,
    RequestVote, Role, Term,
};
use mdcards::scenario::script::{CommandKind, Property, Query, parse};
use mdcards::scenario::{Answer, GeneratorKind, Question, generate};

const SEEDS: u64 = 1_500;

/// What the question's `ask` line asks.
fn query_of(question: &Question) -> Query {
    let script = parse(&question.script, 1).expect("a generated script parses");
    let Some(CommandKind::Ask(query)) = script.commands.last().map(|c| c.kind.clone()) else {
        panic!("a generated script ends with its ask:\n{}", question.script)
    };
    query
}

fn node(question: &Question, id: NodeId) -> &NodeView {
    question
        .situation
        .node(id)
        .expect("the asked node is shown")
}

/// The message the situation shows arriving: (from, to, message).
fn arriving(question: &Question) -> (NodeId, NodeId, Message) {
    question
        .situation
        .message
        .clone()
        .expect("a message arriving")
}

fn last_term(log: &[Term]) -> Term {
    log.last().copied().unwrap_or(0)
}

/// Checks `answer` against every instance of `kind`; None from `answer` means the
/// situation does not decide it. Returns how many instances were checked.
fn check(kind: GeneratorKind, answer: impl Fn(&Question) -> Option<Answer>) -> u64 {
    let mut checked = 0;
    for seed in 0..SEEDS {
        let question = generate(kind, seed);
        if let Some(expected) = answer(&question) {
            assert_eq!(
                question.answer, expected,
                "{kind} seed {seed}: {}\n{}",
                question.prompt, question.script
            );
            checked += 1;
        }
    }
    eprintln!("{kind}: {checked} of {SEEDS} checked");
    checked
}

// ---- Figure 2, "RequestVote RPC, Receiver implementation", after §5.1's term rule ----

fn grants_vote(voter: &NodeView, request: &RequestVote) -> bool {
    // 1. Reply false if term < currentTerm.
    if request.term < voter.term {
        return false;
    }
    // §5.1: a newer term is adopted first, which clears votedFor.
    let voted_for = if request.term > voter.term {
        None
    } else {
        voter.voted_for
    };
    // 2. If votedFor is null or candidateId, and the candidate's log is at least as
    // up-to-date as the receiver's log (§5.4.1: last terms first, then lengths), grant.
    let my_last_term = last_term(&voter.log);
    let up_to_date = request.last_log_term > my_last_term
        || (request.last_log_term == my_last_term
            && request.last_log_index >= voter.log.len() as Index);
    voted_for.is_none_or(|v| v == request.candidate_id) && up_to_date
}

#[test]
fn vote_decisions_follow_the_request_vote_receiver_rules() {
    let checked = check(GeneratorKind::VoteDecision, |question| {
        let (_, to, message) = arriving(question);
        let Message::RequestVote(request) = message else {
            panic!("a vote decision is about a RequestVote")
        };
        Some(Answer::YesNo(grants_vote(node(question, to), &request)))
    });
    assert_eq!(
        checked, SEEDS,
        "every vote decision is decided by its situation"
    );
}

// ---- §5.1 and §5.2: terms and stepping down ----

/// The receiver's role and term after `kind` of term `term`; None when its role depends
/// on what the situation does not show (a candidate counting a vote of its term).
fn after_message(receiver: &NodeView, kind: MessageKind, term: Term) -> Option<(Role, Term)> {
    if term > receiver.term {
        // "If RPC request or response contains term T > currentTerm: set currentTerm = T,
        // convert to follower."
        return Some((Role::Follower, term));
    }
    if term < receiver.term {
        // Stale: refused or ignored, nothing changes.
        return Some((receiver.role, receiver.term));
    }
    match (receiver.role, kind) {
        // "If AppendEntries RPC received from new leader: convert to follower."
        (Role::Candidate, MessageKind::AppendEntries) => Some((Role::Follower, term)),
        // A granted vote may complete a majority: that needs the votes already counted.
        (Role::Candidate, MessageKind::RequestVoteResponse) => None,
        (role, _) => Some((role, term)),
    }
}

#[test]
fn roles_and_terms_after_a_message_follow_the_term_rules() {
    let checked = check(GeneratorKind::TermStepDown, |question| {
        let (_, to, message) = arriving(question);
        let (role, term) = after_message(node(question, to), message.kind(), message.term())?;
        Some(match question.answer {
            Answer::Role(_) => Answer::Role(role),
            _ => Answer::Number(term),
        })
    });
    // Candidates getting a vote of their term are 1 of the 33 combinations.
    assert!(
        checked >= SEEDS * 9 / 10,
        "only {checked} of {SEEDS} checked"
    );
}

// ---- Figure 2, "AppendEntries RPC, Receiver implementation" ----

/// Receiver steps 3 and 4 on `log`, for entries of `terms` following entry `prev`: "If an
/// existing entry conflicts with a new one (same index but different terms), delete the
/// existing entry and all that follow it. Append any new entries not already in the log."
fn append_after(log: &[Term], prev: usize, terms: &[Term]) -> Vec<Term> {
    let mut log = log.to_vec();
    for (position, &term) in terms.iter().enumerate().map(|(i, t)| (prev + i, t)) {
        match log.get(position) {
            Some(&mine) if mine == term => {}
            _ => {
                log.truncate(position);
                log.push(term);
            }
        }
    }
    log
}

struct Received {
    success: bool,
    log: Vec<Term>,
    commit: Index,
}

fn receive_append(receiver: &NodeView, request: &AppendEntries) -> Received {
    let unchanged = Received {
        success: false,
        log: receiver.log.clone(),
        commit: receiver.commit_index,
    };
    // 1. Reply false if term < currentTerm.
    if request.term < receiver.term {
        return unchanged;
    }
    // 2. Reply false if log doesn't contain an entry at prevLogIndex whose term matches
    // prevLogTerm.
    let prev = request.prev_log_index as usize;
    if prev > 0 && receiver.log.get(prev - 1) != Some(&request.prev_log_term) {
        return unchanged;
    }
    let terms: Vec<Term> = request.entries.iter().map(|entry| entry.term).collect();
    let log = append_after(&receiver.log, prev, &terms);
    // 5. If leaderCommit > commitIndex, set commitIndex = min(leaderCommit, index of last
    // new entry); an index known to be committed stays so.
    let last_new = request.prev_log_index + request.entries.len() as Index;
    let commit = if request.leader_commit > receiver.commit_index {
        receiver
            .commit_index
            .max(request.leader_commit.min(last_new))
    } else {
        receiver.commit_index
    };
    Received {
        success: true,
        log,
        commit,
    }
}

#[test]
fn append_entries_outcomes_follow_the_receiver_rules() {
    let checked = check(GeneratorKind::AppendEntriesReceiver, |question| {
        let (_, to, message) = arriving(question);
        let Message::AppendEntries(request) = message else {
            panic!("an AppendEntries question is about an AppendEntries")
        };
        let received = receive_append(node(question, to), &request);
        Some(match query_of(question) {
            Query::Message { .. } => Answer::YesNo(received.success),
            Query::Node {
                property: Property::Log,
                ..
            } => Answer::Log(received.log),
            Query::Node {
                property: Property::CommitIndex,
                ..
            } => Answer::Number(received.commit),
            other => panic!("an AppendEntries question asks {other:?}"),
        })
    });
    assert_eq!(checked, SEEDS);
}

// ---- Figure 2, "Rules for Servers, Leaders": the commit rule ----

fn leader_commit_after(
    leader: &NodeView,
    cluster: usize,
    from: NodeId,
    response: &AppendEntriesResponse,
) -> Index {
    // A response of another term is ignored (older) or makes the leader step down (newer);
    // a refusal moves nextIndex, not matchIndex. Either way commitIndex stays.
    if response.term != leader.term || !response.success {
        return leader.commit_index;
    }
    let last = leader.log.len() as Index;
    // "If successful: update nextIndex and matchIndex for follower."
    let mut matched: Vec<Index> = leader
        .match_index
        .clone()
        .expect("a leader's matchIndex")
        .into_iter()
        .map(|(peer, index)| {
            if peer == from && response.index <= last {
                index.max(response.index)
            } else {
                index
            }
        })
        .collect();
    matched.push(last);
    // "If there exists an N > commitIndex such that a majority of matchIndex[i] ≥ N, and
    // log[N].term == currentTerm: set commitIndex = N." A majority of the whole cluster.
    let majority = cluster / 2 + 1;
    (leader.commit_index + 1..=last)
        .rev()
        .find(|&n| {
            matched.iter().filter(|&&m| m >= n).count() >= majority
                && leader.log[n as usize - 1] == leader.term
        })
        .unwrap_or(leader.commit_index)
}

#[test]
fn leader_commit_indexes_follow_the_commit_rule_and_figure_8() {
    let checked = check(GeneratorKind::LeaderCommitIndex, |question| {
        let (from, to, message) = arriving(question);
        let Message::AppendEntriesResponse(response) = message else {
            panic!("a leader-commit question is about an AppendEntries response")
        };
        let cluster = question.situation.nodes.len();
        Some(Answer::Number(leader_commit_after(
            node(question, to),
            cluster,
            from,
            &response,
        )))
    });
    assert_eq!(checked, SEEDS);
}

// ---- §5.3, log repair (Figure 7) ----

/// The leader's AppendEntries to `follower` from `next` until one is accepted: the
/// refusals (nextIndex backs off by one each), and the follower's log after.
fn repair(leader: &NodeView, follower: &NodeView, mut next: Index) -> (u64, Vec<Term>) {
    let term_at = |log: &[Term], index: Index| match index {
        0 => Some(0),
        i => log.get(i as usize - 1).copied(),
    };
    let mut refusals = 0;
    while term_at(&follower.log, next - 1) != term_at(&leader.log, next - 1) {
        refusals += 1;
        next -= 1;
    }
    let prev = next as usize - 1;
    (
        refusals,
        append_after(&follower.log, prev, &leader.log[prev..]),
    )
}

#[test]
fn log_repairs_back_off_by_one_and_end_with_the_leader_s_entries() {
    let checked = check(GeneratorKind::LogRepair, |question| {
        let leader = question
            .situation
            .nodes
            .iter()
            .find(|n| n.role == Role::Leader && !n.crashed)
            .expect("a leader");
        let hinted = question
            .situation
            .options
            .iter()
            .any(|o| o == "conflict-hint on");
        let query = query_of(question);
        let asked = match &query {
            Query::Message { from, .. } | Query::Node { node: from, .. } => *from,
            other => panic!("a repair question asks {other:?}"),
        };
        let follower = node(question, asked);
        let next = leader
            .next_index
            .as_ref()
            .and_then(|next| next.iter().find(|(peer, _)| *peer == asked))
            .map_or(leader.log.len() as Index + 1, |(_, next)| *next);
        let (refusals, log) = repair(leader, follower, next);
        match query {
            // The conflict-term hint skips whole terms: counted by another rule.
            Query::Message { .. } if hinted => None,
            Query::Message { .. } => Some(Answer::Number(refusals)),
            Query::Node {
                property: Property::Log,
                ..
            } => Some(Answer::Log(log)),
            // The commitIndex depends on every other follower's repair too.
            _ => None,
        }
    });
    // Asked: refusals half the time (a third of them with the hint), the log a quarter.
    assert!(checked >= SEEDS / 2, "only {checked} of {SEEDS} checked");
}
