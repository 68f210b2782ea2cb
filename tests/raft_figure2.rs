//! One test per rule of Figure 2 of the Raft paper, named after the rule, in the manner of
//! etcd's raft_paper_test.go: set up a node or a small cluster, apply one rule, check the
//! state and the messages it sends.

use mdcards::raft::{
    AppendEntries, AppendEntriesResponse, Cluster, ClusterConfig, Entry, Envelope, Message, Node,
    NodeConfig, NodeState, Note, Output, RequestVote, RequestVoteResponse, Role, StaleRequests,
    WireEntry,
};
use mdcards::scenario::script;

fn state(role: Role, term: u64, log: &[u64]) -> NodeState {
    NodeState {
        role,
        term,
        log: log.iter().map(|&t| Entry::new(t, "")).collect(),
        ..NodeState::default()
    }
}

fn node(id: u32, cluster: u32, state: &NodeState) -> Node {
    Node::from_state(id, cluster, NodeConfig::default(), 1, state).unwrap()
}

fn node_with(id: u32, cluster: u32, config: NodeConfig, state: &NodeState) -> Node {
    Node::from_state(id, cluster, config, 1, state).unwrap()
}

fn step(node: &mut Node, from: u32, message: Message) -> Output {
    let mut out = Output::default();
    node.step(from, &message, &mut out);
    out
}

fn vote(term: u64, candidate: u32, last_index: u64, last_term: u64) -> Message {
    Message::RequestVote(RequestVote {
        term,
        candidate_id: candidate,
        last_log_index: last_index,
        last_log_term: last_term,
    })
}

fn append(term: u64, leader: u32, prev: (u64, u64), entries: &[u64], commit: u64) -> Message {
    Message::AppendEntries(AppendEntries {
        term,
        leader_id: leader,
        prev_log_index: prev.0,
        prev_log_term: prev.1,
        entries: entries
            .iter()
            .enumerate()
            .map(|(i, &t)| WireEntry {
                index: prev.0 + 1 + i as u64,
                term: t,
                command: format!("c{}", prev.0 + 1 + i as u64).into(),
            })
            .collect(),
        leader_commit: commit,
    })
}

fn append_reply(term: u64, success: bool, index: u64) -> Message {
    Message::AppendEntriesResponse(AppendEntriesResponse {
        term,
        success,
        index,
        conflict_term: None,
        conflict_index: None,
    })
}

fn only_reply(out: &Output) -> &Message {
    assert_eq!(
        out.messages.len(),
        1,
        "expected one reply: {:?}",
        out.messages
    );
    &out.messages[0].message
}

fn granted(out: &Output) -> bool {
    match only_reply(out) {
        Message::RequestVoteResponse(r) => r.vote_granted,
        other => panic!("not a vote response: {other:?}"),
    }
}

fn append_result(out: &Output) -> (bool, u64, u64) {
    match only_reply(out) {
        Message::AppendEntriesResponse(r) => (r.success, r.index, r.term),
        other => panic!("not an AppendEntries response: {other:?}"),
    }
}

fn run(source: &str) -> script::ScriptRun {
    let parsed = script::parse(source, 1).unwrap();
    let run = script::run(&parsed);
    if let Some(error) = &run.error {
        panic!("script error: {error}");
    }
    if let Some(expect) = run.failures().next() {
        panic!(
            "line {}: {} -- {:?}\n{}",
            expect.line,
            expect.text,
            expect.outcome,
            expect
                .reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    run
}

// ---- RequestVote receiver ----

/// RequestVote 1: reply false if term < currentTerm (§5.1).
#[test]
fn request_vote_refused_if_term_is_older_than_current_term() {
    let mut n = node(1, 3, &state(Role::Follower, 5, &[1, 2]));
    let out = step(&mut n, 2, vote(4, 2, 9, 4));
    assert!(!granted(&out));
    let Message::RequestVoteResponse(reply) = only_reply(&out) else {
        unreachable!()
    };
    assert_eq!(reply.term, 5, "the refusal carries the current term");
    assert_eq!(n.voted_for(), None);
    assert!(matches!(out.notes[0], Note::StaleRequestRefused { .. }));
}

/// RequestVote 2: grant if votedFor is null or candidateId (§5.2): one vote per term,
/// first come first served.
#[test]
fn request_vote_granted_only_if_voted_for_is_null_or_the_candidate() {
    for (voted, candidate, expect) in [
        (None, 2, true),
        (None, 3, true),
        (Some(2), 2, true),
        (Some(3), 3, true),
        (Some(2), 3, false),
        (Some(3), 2, false),
    ] {
        let mut s = state(Role::Follower, 1, &[]);
        s.voted_for = Some(voted);
        let mut n = node(1, 3, &s);
        let out = step(&mut n, candidate, vote(1, candidate, 0, 0));
        assert_eq!(
            granted(&out),
            expect,
            "votedFor {voted:?}, candidate {candidate}"
        );
        let expected_vote = if expect { Some(candidate) } else { voted };
        assert_eq!(n.voted_for(), expected_vote);
    }
}

/// RequestVote 2 and §5.4.1: the candidate's log must be at least as up to date: the last
/// terms decide; only if they are equal does the longer log win.
#[test]
fn request_vote_granted_only_if_candidate_log_is_at_least_as_up_to_date() {
    // (voter log, candidate last term, candidate last index, granted)
    let cases: &[(&[u64], u64, u64, bool)] = &[
        // same last term: length decides
        (&[1], 1, 1, true),
        (&[1], 1, 2, true),
        (&[1, 1], 1, 1, false),
        // candidate's last term higher: granted however short its log
        (&[1], 2, 1, true),
        (&[1, 1, 1, 1], 2, 1, true),
        // voter's last term higher: refused however long the candidate's log
        (&[2], 1, 1, false),
        (&[2], 1, 9, false),
        (&[1, 1, 4, 4, 5], 4, 10, false),
        (&[], 0, 0, true),
    ];
    for &(log, last_term, last_index, expect) in cases {
        let mut n = node(1, 3, &state(Role::Follower, 5, log));
        let out = step(&mut n, 2, vote(6, 2, last_index, last_term));
        assert_eq!(
            granted(&out),
            expect,
            "voter log {log:?}, candidate last {last_index}/t{last_term}"
        );
        let why = out.notes.last().unwrap().to_string();
        if !expect {
            assert!(why.contains("§5.4.1"), "{why}");
        }
    }
}

#[test]
fn vote_refusal_cites_the_election_restriction() {
    let mut n = node(1, 3, &state(Role::Follower, 5, &[1, 1, 4, 4, 5]));
    let out = step(&mut n, 2, vote(6, 2, 10, 4));
    assert_eq!(
        out.notes.last().unwrap().to_string(),
        "refused vote to 2: candidate's last log term 4 < my last log term 5 (§5.4.1)"
    );
    let mut n = node(1, 3, &state(Role::Follower, 5, &[1, 1, 4, 4, 5]));
    let out = step(&mut n, 2, vote(6, 2, 4, 5));
    assert!(matches!(
        out.notes.last().unwrap(),
        Note::VoteRefusedShorterLog {
            candidate_last_index: 4,
            my_last_index: 5,
            ..
        }
    ));
}

// ---- All servers: terms ----

/// All servers: if an RPC request or response contains a term T > currentTerm, set
/// currentTerm = T and convert to follower (§5.1) -- for every role and every message.
#[test]
fn higher_term_in_any_rpc_or_response_makes_a_server_adopt_it_and_follow() {
    let messages = [
        vote(9, 2, 0, 0),
        Message::RequestVoteResponse(RequestVoteResponse {
            term: 9,
            vote_granted: false,
        }),
        append(9, 2, (0, 0), &[], 0),
        append_reply(9, false, 0),
    ];
    for role in [Role::Follower, Role::Candidate, Role::Leader] {
        for message in &messages {
            let mut n = node(1, 3, &state(role, 4, &[1, 4]));
            let out = step(&mut n, 2, message.clone());
            assert_eq!(n.term(), 9, "{role} receiving {:?}", message.kind());
            assert_eq!(
                n.role(),
                Role::Follower,
                "{role} receiving {:?}",
                message.kind()
            );
            assert!(matches!(
                out.notes[0],
                Note::TermAdopted { old: 4, new: 9, .. }
            ));
            if role != Role::Follower {
                assert!(matches!(out.notes[1], Note::SteppedDown { was, term: 9 } if was == role));
            }
            // votedFor is cleared with the new term, unless the message was a vote it granted.
            if !matches!(message, Message::RequestVote(_)) {
                assert_eq!(n.voted_for(), None);
            }
        }
    }
}

/// A request with a stale term is answered with a refusal carrying the current term (the
/// paper); the etcd switch drops it silently instead. A stale response is ignored.
#[test]
fn stale_term_requests_are_refused_and_stale_responses_ignored() {
    let mut n = node(1, 3, &state(Role::Follower, 5, &[1, 1]));
    let out = step(&mut n, 2, append(3, 2, (2, 1), &[3], 2));
    assert_eq!(append_result(&out), (false, 2, 5));
    assert_eq!(
        n.log().terms(),
        vec![1, 1],
        "a stale AppendEntries changes nothing"
    );

    let config = NodeConfig {
        stale_requests: StaleRequests::Drop,
        ..NodeConfig::default()
    };
    let mut n = node_with(1, 3, config, &state(Role::Follower, 5, &[1, 1]));
    let out = step(&mut n, 2, append(3, 2, (2, 1), &[3], 2));
    assert!(out.messages.is_empty());
    assert!(matches!(out.notes[0], Note::StaleRequestDropped { .. }));

    let mut candidate = node(1, 3, &state(Role::Candidate, 5, &[1]));
    let out = step(
        &mut candidate,
        2,
        Message::RequestVoteResponse(RequestVoteResponse {
            term: 4,
            vote_granted: true,
        }),
    );
    assert_eq!(
        candidate.votes(),
        1,
        "a vote from an older term does not count"
    );
    assert!(matches!(out.notes[0], Note::StaleResponseIgnored { .. }));
}

// ---- AppendEntries receiver ----

/// AppendEntries 2: reply false if the log has no entry at prevLogIndex whose term matches
/// prevLogTerm (§5.3).
#[test]
fn append_entries_consistency_check_on_prev_log_index_and_term() {
    // follower log 1 2; (prevLogIndex, prevLogTerm, success, response index)
    for (prev_index, prev_term, success, index) in [
        (0, 0, true, 0),
        (1, 1, true, 1),
        (2, 2, true, 2),
        (2, 1, false, 2), // entry 2 exists with another term
        (3, 3, false, 3), // no entry 3
    ] {
        let mut n = node(1, 3, &state(Role::Follower, 2, &[1, 2]));
        let out = step(&mut n, 2, append(3, 2, (prev_index, prev_term), &[], 0));
        assert_eq!(
            append_result(&out),
            (success, index, 3),
            "prev {prev_index}/t{prev_term}"
        );
    }
}

/// AppendEntries 3 and 4: if an existing entry conflicts with a new one (same index,
/// different term), delete it and all that follow; append new entries not in the log.
#[test]
fn append_entries_deletes_a_conflicting_suffix_and_appends_new_entries() {
    // follower log 1 2; (prev, entries, resulting log)
    type Case = ((u64, u64), &'static [u64], &'static [u64]);
    let cases: &[Case] = &[
        ((2, 2), &[3], &[1, 2, 3]),
        ((1, 1), &[3, 4], &[1, 3, 4]),
        ((0, 0), &[1], &[1, 2]),
        ((0, 0), &[3], &[3]),
    ];
    for &(prev, entries, expected) in cases {
        let mut n = node(1, 3, &state(Role::Follower, 2, &[1, 2]));
        let out = step(&mut n, 2, append(4, 2, prev, entries, 0));
        assert!(append_result(&out).0);
        assert_eq!(
            n.log().terms(),
            expected,
            "prev {prev:?} entries {entries:?}"
        );
    }
    let mut n = node(1, 3, &state(Role::Follower, 2, &[1, 2, 2, 2]));
    let out = step(&mut n, 2, append(4, 2, (1, 1), &[3], 0));
    assert!(out.notes.iter().any(|note| matches!(
        note,
        Note::ConflictTruncated {
            index: 2,
            my_term: 2,
            new_term: 3,
            removed: 3
        }
    )));
}

/// A delayed duplicate AppendEntries whose entries the log already holds deletes nothing:
/// only a conflict truncates, so entries past the request survive.
#[test]
fn stale_duplicate_append_entries_does_not_truncate() {
    let mut n = node(1, 3, &state(Role::Follower, 3, &[1, 1, 3, 3, 3]));
    let out = step(&mut n, 2, append(3, 2, (1, 1), &[1, 3], 0));
    assert_eq!(append_result(&out), (true, 3, 3));
    assert_eq!(n.log().terms(), vec![1, 1, 3, 3, 3]);
    assert!(
        out.notes
            .iter()
            .any(|note| matches!(note, Note::SuffixKept { first: 4, last: 5 }))
    );
    // A heartbeat with an older prevLogIndex does not truncate either.
    let out = step(&mut n, 2, append(3, 2, (2, 1), &[], 0));
    assert_eq!(append_result(&out), (true, 2, 3));
    assert_eq!(n.log().last_index(), 5);
}

/// AppendEntries 5: if leaderCommit > commitIndex, set commitIndex = min(leaderCommit,
/// index of last new entry) -- the last entry this request covered, not the log's end.
#[test]
fn follower_commit_index_is_min_of_leader_commit_and_last_new_entry() {
    // (follower log, commit, prev, entries, leaderCommit, new commit)
    type Case = (&'static [u64], u64, (u64, u64), &'static [u64], u64, u64);
    let cases: &[Case] = &[
        (&[1, 1], 0, (2, 1), &[2, 2], 9, 4), // bounded by the last new entry
        (&[1, 1], 0, (2, 1), &[2, 2], 3, 3), // bounded by leaderCommit
        (&[1, 1, 1, 1], 0, (1, 1), &[], 4, 1), // a heartbeat covers only up to prevLogIndex
        (&[1, 1, 1, 1], 3, (1, 1), &[], 4, 3), // never decreases
        (&[1, 1, 1, 1], 1, (4, 1), &[], 2, 2),
    ];
    for &(log, commit, prev, entries, leader_commit, expected) in cases {
        let mut s = state(Role::Follower, 2, log);
        s.commit_index = commit;
        let mut n = node(1, 3, &s);
        step(&mut n, 2, append(2, 2, prev, entries, leader_commit));
        assert_eq!(
            n.commit_index(),
            expected,
            "log {log:?} commit {commit}, prev {prev:?} entries {entries:?} leaderCommit {leader_commit}"
        );
        assert_eq!(n.last_applied(), expected, "applied up to commitIndex");
    }
}

// ---- Candidates ----

/// Candidates: votes from a majority (floor(N/2)+1 of the whole cluster, itself included)
/// make it leader; a refusal from a majority does not make it step down (it stays candidate
/// until its timer fires or a leader appears).
#[test]
fn candidate_becomes_leader_on_votes_from_a_majority_of_the_full_cluster() {
    for (size, granted_by, refused_by, expected) in [
        (1, vec![], vec![], Role::Leader),
        (3, vec![2], vec![], Role::Leader),
        (3, vec![], vec![2, 3], Role::Candidate),
        (5, vec![2], vec![], Role::Candidate),
        (5, vec![2, 3], vec![], Role::Leader),
        (5, vec![2], vec![3, 4, 5], Role::Candidate),
        (4, vec![2], vec![], Role::Candidate),
        (4, vec![2, 3], vec![], Role::Leader),
    ] {
        let mut n = node(1, size, &state(Role::Follower, 0, &[]));
        let mut out = Output::default();
        n.time_out(&mut out);
        for &peer in &granted_by {
            out.clear();
            n.step(
                peer,
                &Message::RequestVoteResponse(RequestVoteResponse {
                    term: 1,
                    vote_granted: true,
                }),
                &mut out,
            );
        }
        for &peer in &refused_by {
            n.step(
                peer,
                &Message::RequestVoteResponse(RequestVoteResponse {
                    term: 1,
                    vote_granted: false,
                }),
                &mut out,
            );
        }
        assert_eq!(n.role(), expected, "size {size}, granted by {granted_by:?}");
        assert_eq!(n.term(), 1);
    }
}

/// Candidates: if AppendEntries is received from a new leader (of at least our term),
/// convert to follower (§5.2).
#[test]
fn candidate_becomes_follower_on_append_entries_of_its_term() {
    let mut n = node(1, 3, &state(Role::Candidate, 3, &[1]));
    let out = step(&mut n, 2, append(3, 2, (1, 1), &[], 1));
    assert_eq!(n.role(), Role::Follower);
    assert_eq!(n.leader(), Some(2));
    assert_eq!(append_result(&out), (true, 1, 3));
    assert!(matches!(
        out.notes[0],
        Note::LeaderRecognised {
            leader: 2,
            was: Role::Candidate,
            ..
        }
    ));
}

/// Followers and candidates: when the election timeout elapses, start an election:
/// increment currentTerm, vote for self, reset the timer, RequestVote to every other
/// server with the last log index and term (§5.2, §5.4.1).
#[test]
fn election_timeout_starts_an_election_with_request_votes_to_all() {
    for role in [Role::Follower, Role::Candidate] {
        let mut s = state(role, 2, &[1, 2]);
        s.election_timeout = Some(7);
        let mut n = node(1, 3, &s);
        let mut out = Output::default();
        for _ in 0..6 {
            n.tick(&mut out);
        }
        assert!(out.messages.is_empty(), "no election before the timeout");
        n.tick(&mut out);
        assert_eq!(
            (n.term(), n.role(), n.voted_for()),
            (3, Role::Candidate, Some(1))
        );
        let targets: Vec<u32> = out.messages.iter().map(|m| m.to).collect();
        assert_eq!(targets, vec![2, 3]);
        for message in &out.messages {
            assert_eq!(
                message.message,
                vote(3, 1, 2, 2),
                "RequestVote carries the last log index and term"
            );
        }
    }
}

/// Randomised election timeouts are drawn from [T, 2T) on every reset, and every value in
/// the range occurs.
#[test]
fn election_timeout_is_drawn_from_t_to_2t_on_every_reset() {
    let config = NodeConfig {
        election_timeout: 10,
        ..NodeConfig::default()
    };
    let mut n = node_with(1, 3, config, &state(Role::Follower, 0, &[]));
    let mut seen = [false; 10];
    let mut out = Output::default();
    for _ in 0..500 {
        let timeout = n.election_timeout();
        assert!((10..20).contains(&timeout), "{timeout}");
        seen[timeout as usize - 10] = true;
        n.time_out(&mut out); // starting an election resets the timer
        out.clear();
    }
    assert!(seen.iter().all(|s| *s), "{seen:?}");
}

// ---- Leaders ----

/// Leaders: upon election send initial empty AppendEntries (heartbeats) to each server, and
/// repeat every heartbeat interval.
#[test]
fn leader_sends_heartbeats_on_election_and_every_interval() {
    let config = NodeConfig {
        heartbeat_interval: 4,
        ..NodeConfig::default()
    };
    let mut n = node_with(1, 3, config, &state(Role::Follower, 1, &[1]));
    let mut out = Output::default();
    n.time_out(&mut out);
    out.clear();
    n.step(
        2,
        &Message::RequestVoteResponse(RequestVoteResponse {
            term: 2,
            vote_granted: true,
        }),
        &mut out,
    );
    assert_eq!(n.role(), Role::Leader);
    let heartbeats: Vec<&Envelope> = out.messages.iter().collect();
    assert_eq!(heartbeats.len(), 2);
    for message in heartbeats {
        assert_eq!(message.message, append(2, 1, (1, 1), &[], 0));
    }
    out.clear();
    for _ in 0..3 {
        n.tick(&mut out);
    }
    assert!(out.messages.is_empty());
    n.tick(&mut out);
    assert_eq!(out.messages.len(), 2);
}

/// Leaders: a client command is appended to the leader's log and sent to every follower
/// from its nextIndex; a follower answers and the leader records matchIndex/nextIndex.
#[test]
fn leader_appends_proposals_and_tracks_match_and_next_index() {
    let mut s = state(Role::Leader, 2, &[1, 2]);
    s.commit_index = 2;
    let mut n = node(1, 3, &s);
    let mut out = Output::default();
    assert_eq!(n.propose("set x = 10", &mut out), Some(3));
    assert_eq!(out.messages.len(), 2);
    let Message::AppendEntries(request) = &out.messages[0].message else {
        panic!("not an AppendEntries")
    };
    assert_eq!((request.prev_log_index, request.prev_log_term), (2, 2));
    assert_eq!(request.entries.len(), 1);
    assert_eq!(&*request.entries[0].command, "set x = 10");
    out.clear();
    n.step(2, &append_reply(2, true, 3), &mut out);
    assert_eq!(n.match_index(2), Some(3));
    assert_eq!(n.next_index(2), Some(4));
    assert_eq!(n.commit_index(), 3, "itself and 2 are a majority of 3");

    let mut follower = node(2, 3, &state(Role::Follower, 1, &[1]));
    let mut out = Output::default();
    assert_eq!(follower.propose("x", &mut out), None);
    assert!(matches!(out.notes[0], Note::ProposalRefused { .. }));
}

/// Leaders: commitIndex advances to N only if a majority has matchIndex >= N and log[N] is
/// of the current term (§5.3, §5.4.2): entries of earlier terms are never committed by
/// counting replicas (Figure 8).
#[test]
fn leader_commits_only_current_term_entries_counted_on_a_majority() {
    // Leader of term 3 with log 1 2 3; follower 2 acknowledges up to `matched`.
    for (matched, expected) in [(1, 0), (2, 0), (3, 3)] {
        let mut n = node(1, 3, &state(Role::Leader, 3, &[1, 2, 3]));
        let out = step(&mut n, 2, append_reply(3, true, matched));
        assert_eq!(
            n.commit_index(),
            expected,
            "follower matched up to {matched}"
        );
        if expected == 0 {
            assert!(out.notes.iter().any(|note| matches!(
                note,
                Note::CommitWaitsForCurrentTerm { index, .. } if *index == matched
            )));
        }
    }
    // Majority of the full cluster: with 5 nodes the leader needs 2 followers.
    let mut n = node(1, 5, &state(Role::Leader, 2, &[2]));
    step(&mut n, 2, append_reply(2, true, 1));
    assert_eq!(n.commit_index(), 0);
    step(&mut n, 3, append_reply(2, true, 1));
    assert_eq!(n.commit_index(), 1);
}

/// Figure 8 as a script: S1, leader of term 4 (after term 2), has replicated its term-2
/// entry to a majority, but must not commit it until an entry of term 4 is also on a
/// majority -- otherwise S5 could still be elected and overwrite it.
#[test]
fn figure_8_entry_of_an_earlier_term_is_not_committed_by_counting_replicas() {
    run(r#"
cluster 5
node 1 leader term 4 log 1 2 4 next 2=3 3=3 match 2=1 3=1
node 2 term 4 log 1 2
node 3 term 4 log 1
node 5 term 3 log 1 3 3
send 3 -> 1 {"term": 4, "success": true, "index": 2}
expect 1 commitIndex 0
expect 1 matchIndex[3] 2
send 2 -> 1 {"term": 4, "success": true, "index": 3}
expect 1 commitIndex 0
send 3 -> 1 {"term": 4, "success": true, "index": 3}
expect 1 commitIndex 3
"#);
}

/// Leaders: if AppendEntries fails because of log inconsistency, decrement nextIndex and
/// retry (§5.3) -- one step per refusal of the current probe; late refusals of older
/// probes are ignored. With the conflict-term hint, the leader skips the whole term.
#[test]
fn next_index_backs_off_by_one_per_rejection() {
    let mut n = node(1, 3, &state(Role::Leader, 5, &[1, 1, 2, 2, 5]));
    assert_eq!(n.next_index(2), Some(6));
    let out = step(&mut n, 2, append_reply(5, false, 5));
    assert_eq!(n.next_index(2), Some(5));
    let Message::AppendEntries(retry) = only_reply(&out) else {
        panic!("no retry")
    };
    assert_eq!((retry.prev_log_index, retry.entries.len()), (4, 1));
    // A duplicate of the refusal answers the old probe: no second back-off.
    let out = step(&mut n, 2, append_reply(5, false, 5));
    assert_eq!(n.next_index(2), Some(5));
    assert!(matches!(out.notes[0], Note::StaleRefusalIgnored { .. }));
    step(&mut n, 2, append_reply(5, false, 4));
    assert_eq!(n.next_index(2), Some(4));

    let config = NodeConfig {
        conflict_hint: true,
        ..NodeConfig::default()
    };
    let mut leader = node_with(
        1,
        3,
        config.clone(),
        &state(Role::Leader, 5, &[1, 1, 2, 2, 5]),
    );
    let mut follower = node_with(2, 3, config, &state(Role::Follower, 4, &[1, 1, 3, 3, 3, 3]));
    let mut out = Output::default();
    leader.time_out(&mut out);
    let mut rounds = 0;
    while let Some(message) = out.messages.iter().find(|m| m.to == 2).cloned() {
        let mut reply = Output::default();
        follower.step(1, &message.message, &mut reply);
        out.clear();
        leader.step(2, &reply.messages[0].message, &mut out);
        rounds += 1;
        if follower.log().terms() == leader.log().terms() {
            break;
        }
    }
    assert_eq!(follower.log().terms(), vec![1, 1, 2, 2, 5]);
    assert_eq!(rounds, 2, "one refusal skips the whole run of term 3");
}

// ---- Persistence ----

/// A restarted server keeps currentTerm, votedFor and its log; commitIndex and lastApplied
/// start again from 0, and a leader comes back as a follower.
#[test]
fn restart_keeps_term_vote_and_log_and_zeroes_commit_index() {
    let mut s = state(Role::Leader, 4, &[1, 4, 4]);
    s.commit_index = 3;
    let mut n = node(1, 3, &s);
    let mut out = Output::default();
    n.restart(&mut out);
    assert_eq!(n.term(), 4);
    assert_eq!(n.voted_for(), Some(1));
    assert_eq!(n.log().terms(), vec![1, 4, 4]);
    assert_eq!((n.commit_index(), n.last_applied()), (0, 0));
    assert_eq!(n.role(), Role::Follower);
}

/// The no-op entry on election is off by default and appended when switched on.
#[test]
fn no_op_on_election_only_when_switched_on() {
    for (noop, expected) in [(false, vec![1]), (true, vec![1, 2])] {
        let config = NodeConfig {
            noop_on_election: noop,
            ..NodeConfig::default()
        };
        let mut n = node_with(1, 1, config, &state(Role::Follower, 1, &[1]));
        let mut out = Output::default();
        n.time_out(&mut out);
        assert_eq!(n.role(), Role::Leader);
        assert_eq!(n.log().terms(), expected);
    }
}

// ---- Figure 7 ----

/// Figure 7: a leader of term 8 with log 1 1 1 4 4 5 5 6 6 6 brings each of the followers
/// (a)-(f) to its own log, once a new entry of its term overwrites what conflicts.
#[test]
fn figure_7_followers_are_repaired_to_the_leader_log() {
    let leader_log: &[u64] = &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
    let followers: [(&str, &[u64]); 6] = [
        ("a", &[1, 1, 1, 4, 4, 5, 5, 6, 6]),
        ("b", &[1, 1, 1, 4]),
        ("c", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6]),
        ("d", &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7]),
        ("e", &[1, 1, 1, 4, 4, 4, 4]),
        ("f", &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3]),
    ];
    for (name, follower_log) in followers {
        let follower_term = *follower_log.last().unwrap();
        let states = vec![
            state(Role::Leader, 8, leader_log),
            state(Role::Follower, follower_term, follower_log),
            state(Role::Follower, 8, &[]),
        ];
        let mut cluster = Cluster::with_states(ClusterConfig::new(3, 1), &states).unwrap();
        cluster.propose(Some(1), "x").unwrap();
        cluster.stabilize(10_000).unwrap();
        let mut expected = leader_log.to_vec();
        expected.push(8);
        assert_eq!(cluster.node(2).log().terms(), expected, "follower ({name})");
        assert_eq!(
            cluster.node(2).log(),
            cluster.node(1).log(),
            "follower ({name})"
        );
        assert_eq!(cluster.node(1).commit_index(), 11, "follower ({name})");
    }
}

// ---- Elections over time ----

/// Split votes are resolved by randomised timeouts: two candidates of the same term split
/// the four votes 2-2, both stay candidates, and a later election (the randomised timeouts
/// differ) elects exactly one leader.
#[test]
fn split_votes_are_resolved_by_randomized_timeouts() {
    for seed in 0..200 {
        let source = format!(
            "cluster 4\noption seed {seed}\ntimeout 1\ntimeout 2\ndeliver 1 -> 3\ndeliver 2 -> 4\nstabilize\n\
             expect 1 role candidate\nexpect 2 role candidate\nexpect leader none\n"
        );
        let run = run(&source);
        let cluster = run.cluster.unwrap();
        assert_eq!(cluster.node(1).votes(), 2);
        assert_eq!(cluster.node(2).votes(), 2);
        let mut cluster = cluster;
        let mut ticks = 0;
        while cluster.leader().is_none() {
            cluster.tick().unwrap();
            ticks += 1;
            assert!(ticks < 200, "seed {seed}: no leader after 200 ticks");
        }
        let leader = cluster.leader().unwrap();
        assert!(cluster.node(leader).term() >= 2);
        let leaders = cluster
            .nodes()
            .iter()
            .filter(|n| n.role() == Role::Leader && n.term() == cluster.node(leader).term())
            .count();
        assert_eq!(leaders, 1);
    }
}

/// A leader cut off in a minority cannot commit; the majority elects a new leader and
/// commits; after the heal the old leader steps down on seeing the higher term and its
/// uncommitted entries are overwritten by the new leader's.
#[test]
fn leader_in_minority_partition_cannot_commit_and_steps_down_after_heal() {
    run(r#"
cluster 5
node 1 timeout 5
node 2 timeout 30
node 3 timeout 12
node 4 timeout 30
node 5 timeout 30
tick 8
expect leader 1
expect 1 term 1
partition 1 2 | 3 4 5
propose 1 lost write
tick 3
expect 1 log 1
expect 2 log 1
expect 1 commitIndex 0
tick 12
expect 3 role leader
expect 3 term 2
propose 3 kept write
tick 4
expect 3 commitIndex 1
expect 1 role leader
heal
tick 6
expect 1 role follower
expect 1 term 2
expect 1 log 2
expect 2 log 2
expect 1 commitIndex 1
expect leader 3
"#);
}
