//! `check_file` on message blocks: each check, at the line of the offending field.

use super::*;
use crate::notes::Severity;

/// (severity, code, line, column, message) of each diagnostic of a notes file.
fn check(text: &str) -> Vec<(Severity, &'static str, u32, u32, String)> {
    check_file(Path::new("n.md"), text)
        .into_iter()
        .map(|d| {
            (
                d.severity,
                d.code,
                d.location.line,
                d.location.col,
                d.message,
            )
        })
        .collect()
}

/// The one diagnostic of a file: its code, line and message.
fn only(text: &str) -> (&'static str, u32, String) {
    let found = check(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (severity, code, line, _, message) = found.into_iter().next().unwrap();
    assert_eq!(severity, Severity::Error, "{message}");
    (code, line, message)
}

fn block(info: &str, body: &str) -> String {
    format!("# Raft\n\n## Q\n\n```{info}\n{body}\n```\n")
}

/// The seed notes' first heartbeat, as they write it (seven lines).
fn heartbeat() -> &'static str {
    let seed = include_str!("../../../tests/fixtures/notes/seed/raft_anki.md");
    let start = seed
        .find("{\n  \"term\": 5,\n  \"leaderId\": 1,")
        .expect("the seed's heartbeat");
    let end = start + seed[start..].find("\n}").expect("its end") + "\n}".len();
    &seed[start..end]
}

#[test]
fn consistent_messages_of_every_kind_pass() {
    let body = format!(
        "{}\n{}\n{}\n{}\n{}",
        heartbeat(),
        r#"{"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}"#,
        r#"{"term": 5, "voteGranted": true}"#,
        r#"{"term": 5, "success": false, "conflictTerm": 4, "conflictIndex": 6}"#,
        r#"{"type": "AppendEntries", "term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 5, "command": "x"}], "leaderCommit": 10}"#,
    );
    assert_eq!(check(&block("json", &body)), []);
}

#[test]
fn blocks_that_are_not_messages_are_left_alone() {
    let text = block("json", r#"{"name": "x", "term": 5}"#)
        + &block("json", "not json at all")
        + &block("rust", r#"{"term": 0, "leaderId": 1}"#);
    assert_eq!(check(&text), []);
}

#[test]
fn entries_must_be_contiguous_from_prev_log_index_plus_one() {
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [{"index": 9, "term": 5},
         {"index": 11, "term": 5}],
 "leaderCommit": 9}"#;
    let (code, line, message) = only(&block("json", body));
    assert_eq!((code, line), (code::INCONSISTENT, 8));
    assert!(message.contains("index is 11, expected 10"), "{message}");
    // The first entry too: it follows prevLogIndex.
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [{"index": 8, "term": 5}], "leaderCommit": 9}"#;
    let (_, line, message) = only(&block("json", body));
    assert_eq!(line, 7);
    assert!(message.contains("prevLogIndex + 1 = 9"), "{message}");
}

#[test]
fn no_entry_term_above_the_message_term() {
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [
   {"index": 9,
"term": 6}],
 "leaderCommit": 9}"#;
    let (code, line, message) = only(&block("json", body));
    assert_eq!((code, line), (code::INCONSISTENT, 9));
    assert!(
        message.contains("entry 9 has term 6, newer than the leader's term 5"),
        "{message}"
    );
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8,
 "prevLogTerm": 7, "leaderCommit": 9}"#;
    let (_, line, message) = only(&block("json", body));
    assert_eq!(line, 7);
    assert!(message.contains("prevLogTerm 7 is newer"), "{message}");
}

#[test]
fn entry_terms_never_decrease_and_are_at_least_one() {
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
 "entries": [{"index": 9, "term": 3}], "leaderCommit": 9}"#;
    let (_, line, message) = only(&block("json", body));
    assert_eq!(line, 7);
    assert!(message.contains("term 3 after term 4"), "{message}");
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 0, "prevLogTerm": 0,
 "entries": [{"index": 1, "term": 0}], "leaderCommit": 0}"#;
    let (_, line, message) = only(&block("json", body));
    assert_eq!(line, 7);
    assert!(message.contains("at least 1"), "{message}");
}

#[test]
fn prev_log_term_matches_prev_log_index() {
    let body =
        r#"{"term": 5, "leaderId": 1, "prevLogIndex": 0, "prevLogTerm": 2, "leaderCommit": 0}"#;
    let (_, line, message) = only(&block("json", body));
    assert_eq!(line, 6);
    assert!(
        message.contains("prevLogTerm must be 0, not 2"),
        "{message}"
    );
    let body =
        r#"{"term": 5, "leaderId": 1, "prevLogIndex": 3, "prevLogTerm": 0, "leaderCommit": 0}"#;
    let (_, _, message) = only(&block("json", body));
    assert!(message.contains("entry 3 exists"), "{message}");
}

#[test]
fn request_vote_last_log_term_is_older_than_the_term() {
    let body = "{\"term\": 5, \"candidateId\": 3,\n \"lastLogIndex\": 10,\n \"lastLogTerm\": 5}";
    let (code, line, message) = only(&block("json", body));
    assert_eq!((code, line), (code::INCONSISTENT, 8));
    assert!(
        message.contains("not older than the candidate's term 5"),
        "{message}"
    );
    let body = r#"{"term": 5, "candidateId": 3, "lastLogIndex": 0, "lastLogTerm": 2}"#;
    let (_, _, message) = only(&block("json", body));
    assert!(message.contains("empty log"), "{message}");
    let body = r#"{"term": 5, "candidateId": 3, "lastLogIndex": 4, "lastLogTerm": 0}"#;
    let (_, _, message) = only(&block("json", body));
    assert!(
        message.contains("entry 4 exists, so its term is at least 1"),
        "{message}"
    );
}

#[test]
fn terms_start_at_one() {
    for body in [
        r#"{"term": 0, "candidateId": 3, "lastLogIndex": 0, "lastLogTerm": 0}"#,
        r#"{"term": 0, "leaderId": 1, "prevLogIndex": 0, "prevLogTerm": 0, "leaderCommit": 0}"#,
        r#"{"term": 0, "voteGranted": false}"#,
        r#"{"term": 0, "success": true}"#,
    ] {
        let (code, line, message) = only(&block("json", body));
        assert_eq!((code, line), (code::INCONSISTENT, 6), "{body}");
        assert!(message.contains("at least 1"), "{message}");
    }
}

#[test]
fn missing_fields_are_named_at_the_message() {
    let body = "\n{\"term\": 5,\n \"leaderId\": 1, \"prevLogIndex\": 8, \"leaderCommit\": 9}";
    let (code, line, message) = only(&block("json", body));
    assert_eq!((code, line), (code::FIELDS, 7));
    assert_eq!(message, "this AppendEntries has no `prevLogTerm`");
}

#[test]
fn unknown_fields_are_named_at_their_key_with_a_suggestion() {
    let body = "{\"term\": 5, \"candidateId\": 3,\n \"lastLogIndex\": 10, \"lastLogTerm\": 4,\n   \"lastLogIdx\": 2}";
    let found = check_file(Path::new("n.md"), &block("json", body));
    assert_eq!(found.len(), 1, "{found:#?}");
    let unknown = &found[0];
    assert_eq!(unknown.code, code::FIELDS);
    assert_eq!((unknown.location.line, unknown.location.col), (8, 4));
    assert_eq!(unknown.len, "\"lastLogIdx\"".len());
    assert_eq!(unknown.message, "a RequestVote has no field `lastLogIdx`");
    assert!(
        unknown.hint.starts_with("did you mean `lastLogIndex`?"),
        "{}",
        unknown.hint
    );
}

#[test]
fn mistyped_fields_say_what_they_should_be() {
    let body = "{\"term\": 5,\n \"voteGranted\": \"yes\"}";
    let (code, line, message) = only(&block("json", body));
    assert_eq!((code, line), (code::FIELDS, 7));
    assert_eq!(message, "`voteGranted` is true or false, not \"yes\"");
    let body = "{\"term\": -1, \"success\": true}";
    let (_, _, message) = only(&block("json", body));
    assert_eq!(message, "`term` is a whole number, not -1");
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "leaderCommit": 9, "entries": 3}"#;
    let (_, _, message) = only(&block("json", body));
    assert_eq!(message, "`entries` is a list of entries, not 3");
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "leaderCommit": 9, "entries": [{"index": 9}]}"#;
    let (_, _, message) = only(&block("json", body));
    assert!(
        message.contains("whole-number `index` and `term`"),
        "{message}"
    );
}

#[test]
fn fields_of_two_messages_in_one_object() {
    // No follower simulation either, for a block with a message it cannot read.
    let body = format!(
        "{}\n{}",
        r#"{"term": 5, "leaderId": 1, "candidateId": 3}"#,
        heartbeat()
    );
    let (code, line, message) = only(&block("json follower term 5 log 1 1 1 4 4 4 4 4", &body));
    assert_eq!((code, line), (code::FIELDS, 6));
    assert!(message.contains("more than one message"), "{message}");
}

#[test]
fn invalid_json_is_shown_where_it_stops_and_earlier_messages_are_still_checked() {
    let body = "{\"term\": 0, \"voteGranted\": true}\n{\"term\": 5,\n \"success\": tru}";
    let found = check(&block("json", body));
    let codes: Vec<_> = found.iter().map(|d| (d.1, d.2)).collect();
    assert_eq!(
        codes,
        [(code::INCONSISTENT, 6), (code::SYNTAX, 8)],
        "{found:#?}"
    );
    assert!(found[1].4.starts_with("not valid JSON: "), "{}", found[1].4);
    assert!(!found[1].4.contains(" at line "), "{}", found[1].4);
    // A message left open is shown where it starts.
    let body = r#"{"term": 5, "voteGranted": true}
   {"term": 5,
 "success": true"#;
    let found = check(&block("json", body));
    assert_eq!(
        found.iter().map(|d| (d.1, d.2, d.3)).collect::<Vec<_>>(),
        [(code::SYNTAX, 7, 4)],
        "{found:#?}"
    );
}

#[test]
fn concatenated_objects_are_a_sequence() {
    // No blank line, no separator: the seed writes its messages so.
    let body = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 5}], "leaderCommit": 9}{"term": 5, "leaderId": 1, "prevLogIndex": 9, "prevLogTerm": 5, "entries": [{"index": 10, "term": 5}], "leaderCommit": 10}
{"term": 5, "leaderId": 1, "prevLogIndex": 9, "prevLogTerm": 4, "leaderCommit": 10}"#;
    let (code, line, message) = only(&block("json", body));
    assert_eq!((code, line), (code::INCONSISTENT, 7));
    assert!(
        message.contains("entry 9 of term 5, but this one says prevLogTerm 4"),
        "{message}"
    );
}

#[test]
fn sequences_no_leader_could_send() {
    let first = r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 5}], "leaderCommit": 9}"#;
    // Another term for an entry the same leader already sent in this term.
    let body = format!(
        "{first}\n{}",
        r#"{"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 4}], "leaderCommit": 9}"#
    );
    let (_, line, message) = only(&block("json", &body));
    assert_eq!(line, 7);
    assert!(
        message.contains("entry 9 of term 5, this one of term 4"),
        "{message}"
    );
    // leaderCommit going back.
    let body = format!(
        "{first}\n{}",
        r#"{"term": 5, "leaderId": 1, "prevLogIndex": 9, "prevLogTerm": 5, "leaderCommit": 8}"#
    );
    let (_, line, message) = only(&block("json", &body));
    assert_eq!(line, 7);
    assert!(message.contains("went back from 9 to 8"), "{message}");
    // A candidate's RequestVotes in one term agree.
    let body = "{\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 10, \"lastLogTerm\": 4}\n{\"term\": 5, \"candidateId\": 3, \"lastLogIndex\": 9, \"lastLogTerm\": 4}";
    let (_, line, message) = only(&block("json", body));
    assert_eq!(line, 7);
    assert!(message.contains("another lastLogIndex"), "{message}");
    // Another leader, or another term, is another log: no conflict.
    let body = format!(
        "{first}\n{}\n{}",
        r#"{"term": 6, "leaderId": 2, "prevLogIndex": 8, "prevLogTerm": 4, "entries": [{"index": 9, "term": 6}], "leaderCommit": 8}"#,
        r#"{"term": 5, "candidateId": 3, "lastLogIndex": 10, "lastLogTerm": 4}{"term": 6, "candidateId": 3, "lastLogIndex": 11, "lastLogTerm": 5}"#
    );
    assert_eq!(check(&block("json", &body)), []);
}

#[test]
fn a_list_of_messages_is_a_warning() {
    let body = r#"[{"term": 5, "voteGranted": true}]"#;
    let found = check(&block("json", body));
    assert_eq!(
        found.iter().map(|d| (d.0, d.1, d.2)).collect::<Vec<_>>(),
        [(Severity::Warning, code::FIELDS, 6)]
    );
}

#[test]
fn a_stated_follower_gets_a_note_per_request() {
    let body = format!(
        "{}\n\n{}\n{}",
        heartbeat(),
        heartbeat().replace("\"prevLogIndex\": 8", "\"prevLogIndex\": 9"),
        r#"{"term": 5, "success": true}"#
    );
    let found = check(&block(
        "json follower term 5 log 1 1 1 4 4 4 4 4 commit 7",
        &body,
    ));
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(
        (found[0].0, found[0].1, found[0].2),
        (Severity::Note, code::OUTCOME, 6)
    );
    assert_eq!(
        found[0].4,
        "node 2, a follower in term 5, with log `1 1 1 4 4 4 4 4` and commitIndex 7: \
         accepted AppendEntries from 1 (no entries): my entry 8 has term 4, as prevLogTerm says (§5.3)"
    );
    assert_eq!((found[1].0, found[1].2), (Severity::Note, 15));
    assert!(
        found[1]
            .4
            .starts_with("then node 2: refused AppendEntries from 1: no entry at prevLogIndex 9"),
        "{}",
        found[1].4
    );
    // The hint has every step, e.g. the new commitIndex.
    let notes = check_file(
        Path::new("n.md"),
        &block(
            "json follower term 5 log 1 1 1 4 4 4 4 4 commit 7",
            heartbeat(),
        ),
    );
    assert!(
        notes[0].hint.contains("commitIndex 7 → 8"),
        "{}",
        notes[0].hint
    );
}

#[test]
fn the_follower_id_can_be_chosen() {
    let vote = r#"{"term": 5, "candidateId": 1, "lastLogIndex": 10, "lastLogTerm": 4}"#;
    let found = check(&block("json follower 4 term 5 voted 2 log 1 1", vote));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].4.starts_with("node 4, a follower in term 5")
            && found[0].4.contains("refused vote to 1"),
        "{}",
        found[0].4
    );
}

#[test]
fn follower_state_errors_are_shown_at_the_info_string() {
    let append =
        r#"{"term": 5, "leaderId": 1, "prevLogIndex": 2, "prevLogTerm": 1, "leaderCommit": 2}"#;
    // A word the node line does not know.
    let found = check_file(
        Path::new("n.md"),
        &block("json follower term 5 log 1 1 x", append),
    );
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(
        (found[0].code, found[0].location.line, found[0].location.col),
        (code::FOLLOWER, 5, 9)
    );
    assert_eq!(
        found[0].message,
        "cannot use the stated follower: unknown node attribute `x`"
    );
    // A state Raft cannot have.
    let (code, line, message) = only(&block("json follower term 5 log 1 1 commit 3", append));
    assert_eq!((code, line), (code::FOLLOWER, 5));
    assert!(
        message.contains("commitIndex 3 is past the end of its log (2)"),
        "{message}"
    );
    // The follower cannot be the sender.
    let (code, line, message) = only(&block("json follower 1 term 5", append));
    assert_eq!((code, line), (code::FOLLOWER, 5));
    assert_eq!(
        message,
        "the follower is node 1, which sends the AppendEntries at line 6"
    );
    // Anything but `follower` after `json` is a warning.
    let found = check(&block("json leader term 5", append));
    assert_eq!(
        found
            .iter()
            .map(|d| (d.0, d.1, d.2, d.3))
            .collect::<Vec<_>>(),
        [(Severity::Warning, code::FOLLOWER, 5, 9)]
    );
}

#[test]
fn no_simulation_for_inconsistent_messages() {
    let append =
        r#"{"term": 5, "leaderId": 1, "prevLogIndex": 2, "prevLogTerm": 6, "leaderCommit": 2}"#;
    let found = check(&block("json follower term 5 log 1 1", append));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1, code::INCONSISTENT);
}

#[test]
fn lines_are_right_in_indented_and_tilde_blocks() {
    let text = "# Raft\n\n## Q\n\n1. A list\n\n   ~~~~ json\n   {\"term\": 5,\n    \"voteGranted\": 1}\n   ~~~~\n";
    let found = check_file(Path::new("n.md"), text);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].location.line, found[0].location.col), (9, 5));
    assert_eq!(found[0].len, "\"voteGranted\"".len());
}

#[test]
fn by_cards_each_card_is_read_on_its_own_and_text_above_them_is_not() {
    let bad = "```json\n{\"term\": 0, \"candidateId\": 3, \"lastLogIndex\": 0, \"lastLogTerm\": 0}\n```\n";
    let text =
        format!("# Raft\n\n{bad}\n## One\n\n{bad}\n## Two\n\nNo JSON here.\n\n## Three\n\n{bad}");
    let parsed = crate::notes::parse_file(Path::new("n.md"), &text, None);
    let card_lines: Vec<u32> = parsed.cards.iter().map(|c| c.location.line).collect();
    assert_eq!(card_lines, [7, 13, 17]);
    let lines_of =
        |found: Vec<Diagnostic>| -> Vec<u32> { found.iter().map(|d| d.location.line).collect() };
    // The whole file: all three blocks; by cards: the two inside cards, at the same lines.
    assert_eq!(lines_of(check_file(Path::new("n.md"), &text)), [4, 10, 20]);
    assert_eq!(
        lines_of(check_cards(Path::new("n.md"), &text, &card_lines)),
        [10, 20]
    );
}
