//! Scenarios that describe what Raft cannot do are reported as broken invariants, with the
//! script line, instead of being simulated as if they were fine.

use mdcards::raft::Invariant;
use mdcards::scenario::script;

fn error_of(source: &str) -> script::RunError {
    let parsed = script::parse(source, 1).unwrap();
    script::run(&parsed)
        .error
        .expect("the run should stop with an error")
}

#[test]
fn forged_message_overwriting_a_committed_entry_is_a_state_machine_safety_violation() {
    let error = error_of(
        r#"cluster 3
node 1 follower term 3 log 1 2 commit 2
node 2 leader term 3 log 1 2 commit 2
send 3 -> 1 {"term": 3, "leaderId": 3, "prevLogIndex": 1, "prevLogTerm": 1,
             "entries": [{"index": 2, "term": 3, "command": "x"}], "leaderCommit": 2}
expect 1 log 1 3
"#,
    );
    assert_eq!(error.line, 4);
    let violation = error.violation.unwrap();
    assert_eq!(violation.invariant, Invariant::StateMachineSafety);
    assert!(
        error.message.contains("cannot happen in Raft"),
        "{}",
        error.message
    );
}

#[test]
fn declared_states_with_two_leaders_in_a_term_point_at_the_second_declaration() {
    let error = error_of("cluster 3\nnode 1 leader term 2\nnode 2 leader term 2\n");
    assert_eq!(error.line, 3);
    assert_eq!(
        error.violation.unwrap().invariant,
        Invariant::ElectionSafety
    );
}

#[test]
fn impossible_node_states_are_refused_at_their_line() {
    for (source, line, needle) in [
        ("cluster 3\nnode 1 term 1 log 1 2\n", 2, "currentTerm"),
        ("cluster 3\nnode 2 term 3 log 1 3 2\n", 2, "never decrease"),
        (
            "cluster 3\nnode 1 term 2 log 1 commit 2\n",
            2,
            "commitIndex",
        ),
        (
            "cluster 3\nnode 1 leader term 2 voted 2\n",
            2,
            "votes for itself",
        ),
        (
            "cluster 3\nnode 1 leader term 2 log 1 next 2=5\n",
            2,
            "nextIndex",
        ),
        (
            "cluster 3\nnode 1 follower term 2 match 2=1\n",
            2,
            "only a leader",
        ),
    ] {
        let error = error_of(source);
        assert_eq!(error.line, line, "{source}");
        assert!(
            error.message.contains(needle),
            "{source}: {}",
            error.message
        );
    }
}
