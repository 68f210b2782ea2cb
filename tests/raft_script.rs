//! The scenario script language: parsing (with file positions), running, and judging
//! `expect`s with the simulator's reasons.

use mdcards::raft::{Note, Rule};
use mdcards::scenario::script::{self, ExpectOutcome};

fn run(source: &str) -> script::ScriptRun {
    script::run(&script::parse(source, 1).unwrap())
}

fn parse_error(source: &str, first_line: u32) -> script::ScriptError {
    script::parse(source, first_line).unwrap_err()
}

#[test]
fn seed_request_vote_is_answered_as_the_paper_says() {
    // The seed's RequestVote: candidate 3, term 5, last log 10 of term 4, to a follower whose
    // log ends with an entry of term 5.
    let result = run(r#"
cluster 5
node 1 follower term 5 log 1 1 1 4 4 5
send 3 -> 1 {
  "term": 5,
  "candidateId": 3,
  "lastLogIndex": 10,
  "lastLogTerm": 4
}
expect 1 -> 3 voteGranted false
expect 1 -> 3 term 5
expect 1 votedFor none
"#);
    assert!(result.passed(), "{:?}", result.expects);
    let reasons = &result.expects[0].reasons;
    assert_eq!(reasons.len(), 1);
    assert_eq!(reasons[0].note.rule(), Rule::ElectionRestriction);
    assert_eq!(
        reasons[0].to_string(),
        "node 1: refused vote to 3: candidate's last log term 4 < my last log term 5 (§5.4.1)"
    );
}

#[test]
fn seed_append_entries_messages_are_accepted_by_a_matching_follower() {
    let result = run(r#"
cluster 3
node 2 follower term 5 log 1 1 1 4 4 4 4 4 commit 7
send 1 -> 2 {"term": 5, "leaderId": 1, "prevLogIndex": 8, "prevLogTerm": 4,
             "entries": [{"index": 9, "term": 5, "command": "set x = 10"}], "leaderCommit": 9}
expect 2 log 1 1 1 4 4 4 4 4 5
expect 2 commitIndex 9
expect 2 -> 1 success true
expect 2 -> 1 index 9
send 1 -> 2 {"term": 5, "leaderId": 1, "prevLogIndex": 9, "prevLogTerm": 5,
             "entries": [{"index": 10, "term": 5, "command": "set y = 20"}], "leaderCommit": 10}
expect 2 commitIndex 10
expect 2 log 1 1 1 4 4 4 4 4 5 5
"#);
    assert!(result.passed(), "{:#?}", result.expects);
    let commit_reason = &result.expects[1].reasons;
    assert!(
        commit_reason
            .iter()
            .any(|r| matches!(r.note, Note::FollowerCommitAdvanced { new: 9, .. })),
        "{commit_reason:?}"
    );
}

#[test]
fn a_failed_expect_reports_expected_actual_and_the_rule() {
    let result = run(r#"
cluster 3
node 1 follower term 2 log 1 2
send 2 -> 1 {"term": 3, "leaderId": 2, "prevLogIndex": 2, "prevLogTerm": 1, "entries": [], "leaderCommit": 0}
expect 1 -> 2 success true
expect 1 term 3
"#);
    assert!(!result.passed());
    let failed: Vec<_> = result.failures().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].line, 5);
    assert_eq!(
        failed[0].outcome,
        ExpectOutcome::Failed {
            expected: "true".to_owned(),
            actual: "false".to_owned()
        }
    );
    assert!(
        failed[0].reasons[0]
            .to_string()
            .contains("my entry 2 has term 2, not prevLogTerm 1 (§5.3)")
    );
}

#[test]
fn message_expects_look_at_the_previous_command_only() {
    let result = run(r#"
cluster 3
option stale-requests drop
node 1 follower term 4
send 2 -> 1 {"term": 3, "candidateId": 2, "lastLogIndex": 0, "lastLogTerm": 0}
expect 1 -> 2 nothing
timeout 1
expect 1 -> 2 type RequestVote
expect 1 -> 2 lastLogIndex 0
expect 1 -> 3 term 5
"#);
    assert!(result.passed(), "{:#?}", result.expects);
}

#[test]
fn leader_and_progress_expects() {
    let result = run(r#"
cluster 3
node 1 timeout 2
node 2 timeout 9
node 3 timeout 9
tick 2
stabilize
expect leader 1
expect 1 role leader
expect 2 votedFor 1
propose set x = 1
stabilize
expect 1 matchIndex[2] 1
expect 1 nextIndex[3] 2
expect 3 lastApplied 1
expect 2 nextIndex[1] 2
"#);
    let failed: Vec<_> = result.failures().collect();
    assert_eq!(failed.len(), 1, "{failed:#?}");
    assert!(
        matches!(&failed[0].outcome, ExpectOutcome::Failed { actual, .. } if actual.contains("not the leader"))
    );
}

#[test]
fn errors_stop_the_run_and_later_expects_are_not_run() {
    let result = run("cluster 3\ncrash 2\ntimeout 2\nexpect 2 term 1\n");
    let error = result.error.as_ref().unwrap();
    assert_eq!(error.line, 3);
    assert!(error.message.contains("restart 2"), "{}", error.message);
    assert_eq!(result.expects[0].outcome, ExpectOutcome::NotRun);
}

#[test]
fn crash_and_restart_keep_persistent_state_only() {
    let result = run(r#"
cluster 3
node 1 leader term 3 log 1 3 commit 2
node 2 term 3 log 1 3 commit 2
node 3 term 3 log 1 3 commit 2
crash 1
restart 1
expect 1 role follower
expect 1 term 3
expect 1 votedFor 1
expect 1 log 1 3
expect 1 commitIndex 0
"#);
    assert!(result.passed(), "{:#?}", result.expects);
}

#[test]
fn partitions_drop_messages_across_groups() {
    let result = run(r#"
cluster 5
node 1 timeout 3
node 2 timeout 50
node 3 timeout 50
node 4 timeout 50
node 5 timeout 50
partition 1 2
tick 6
expect 1 role candidate
expect leader none
heal
tick 20
expect leader 1
"#);
    assert!(result.passed(), "{:#?}", result.expects);
}

#[test]
fn parse_errors_point_at_file_lines_with_an_offset() {
    // The script starts on line 10 of its markdown file.
    let error = parse_error("cluster 3\nnode 4 term 1\n", 10);
    assert_eq!((error.line, error.column), (11, 6));
    assert!(error.message.contains("not a node"), "{}", error.message);
    assert_eq!(error.help.as_deref(), Some("nodes are numbered 1 to 3"));

    let error = parse_error("cluster 3\ntmeout 1\n", 1);
    assert_eq!((error.line, error.column), (2, 1));
    assert_eq!(error.help.as_deref(), Some("did you mean `timeout`?"));

    let error = parse_error("timeout 1\n", 5);
    assert_eq!(error.line, 5);
    assert!(error.message.contains("cluster"), "{}", error.message);

    let error = parse_error("cluster 3\nexpect 1 log\n", 1);
    assert_eq!((error.line, error.column), (2, 13));
}

#[test]
fn json_errors_point_inside_the_message() {
    let source = "cluster 3\nsend 1 -> 2 {\n  \"term\": 1,\n  \"leaderId\" 1\n}\n";
    let error = parse_error(source, 20);
    assert_eq!(error.line, 23, "{error}");
    let error = parse_error(
        "cluster 3\nsend 1 -> 2 {\"term\": 1, \"candidateId\": 2, \"lastLogIndex\": 0, \"lastLogTerm\": 0}\n",
        1,
    );
    assert!(error.message.contains("candidateId 2"), "{}", error.message);
    let error = parse_error(
        "cluster 3\nsend 2 -> 1 {\"term\": 1, \"success\": true}\n",
        1,
    );
    assert!(error.help.unwrap().contains("index"));
}

#[test]
fn commands_after_events_and_statement_shapes_are_checked() {
    for (source, needle) in [
        ("cluster 3\ntick\nnode 1 term 1\n", "before the first event"),
        ("cluster 3\ntick\noption seed 1\n", "before the first event"),
        (
            "cluster 3\nnode 1 term 1\nnode 1 term 2\n",
            "declared twice",
        ),
        ("cluster 3\npartition 1 | 1\n", "two groups"),
        ("cluster 3\ndeliver 1 2\n", "`->`"),
        (
            "cluster 3\nexpect 1 -> 2 voteGranted yes\n",
            "`true` or `false`",
        ),
        ("cluster 3\noption drop 2\n", "probability"),
        ("cluster 3\nexpect 1 nextIndex 2 3\n", "nextIndex[FOLLOWER]"),
        ("cluster 0\n", "1 to 64"),
        ("cluster 3\ntick 2 3\n", "unexpected"),
    ] {
        let error = parse_error(source, 1);
        assert!(
            error.message.contains(needle) || error.help.as_deref().unwrap_or("").contains(needle),
            "{source:?}: {error} {:?}",
            error.help
        );
    }
}

#[test]
fn propose_takes_the_rest_of_the_line_or_a_quoted_string() {
    let script = script::parse(
        "cluster 3\npropose set x = 1 # to the leader\npropose 2 \"set y = 2\"\npropose 3 x 2\n",
        1,
    )
    .unwrap();
    let commands: Vec<_> = script
        .commands
        .iter()
        .map(|c| match &c.kind {
            script::CommandKind::Propose { node, command } => (*node, command.clone()),
            _ => panic!("not a proposal"),
        })
        .collect();
    assert_eq!(
        commands,
        vec![
            (None, "set x = 1".to_owned()),
            (Some(2), "set y = 2".to_owned()),
            (Some(3), "x 2".to_owned())
        ]
    );
}

#[test]
fn runs_are_deterministic() {
    let source = "cluster 5\noption seed 9\noption latency 1 4\noption drop 0.2\ntick 200\npropose a\ntick 50\n";
    let a = run(source);
    let b = run(source);
    assert_eq!(a.trace, b.trace);
}

#[test]
fn the_docs_examples_hold() {
    // Every ```raft block of the user docs is a script whose expectations hold.
    let docs = [
        ("README.md", include_str!("../README.md")),
        ("GUIDE.md", include_str!("../GUIDE.md")),
    ];
    let mut blocks = 0;
    for (name, text) in docs {
        for (position, _) in text.match_indices("```raft\n") {
            let start = position + "```raft\n".len();
            let end = start + text[start..].find("```").unwrap();
            let first_line = text[..start].lines().count() as u32 + 1;
            let parsed = script::parse(&text[start..end], first_line).unwrap();
            let result = script::run(&parsed);
            assert!(
                result.passed(),
                "{name} block at line {first_line}: {:#?}",
                result.expects
            );
            blocks += 1;
        }
    }
    assert!(blocks >= 1);
}

#[test]
fn both_highlighters_colour_every_statement_and_only_statements() {
    use mdcards::quiz::{highlight::highlight, styled::palette};
    use mdcards::scenario::script::statements::STATEMENTS;

    for spec in &STATEMENTS {
        let mut html = String::new();
        mdcards::export::code_block_into(&mut html, "raft", spec.example);
        let keyword = format!("<span class=\"tk-kw\">{}</span>", spec.name);
        assert!(html.contains(&keyword), "export, {}: {html}", spec.name);
        let lines = highlight("raft", spec.example);
        let first = &lines[0][0];
        assert_eq!(
            (first.text.as_str(), first.style),
            (spec.name, palette::KEYWORD),
            "quiz, {}",
            spec.name
        );
    }
    // Words the parser reads as no statement are not coloured as one: `nodes` was, in the
    // quiz, and `drop` was not.
    let lines = highlight("raft", "nodes 3\ndrop 1 -> 2");
    assert_ne!(lines[0][0].style, palette::KEYWORD, "{:?}", lines[0]);
    assert_eq!(lines[1][0].style, palette::KEYWORD, "{:?}", lines[1]);
}

/// The grammar block of GUIDE.md's "Scenario scripts".
fn guide_grammar() -> &'static str {
    let guide = include_str!("../GUIDE.md");
    let section = guide
        .split("\n## Scenario scripts\n")
        .nth(1)
        .expect("GUIDE.md has a \"Scenario scripts\" section");
    let start = section.find("```\nblock ").expect("its grammar block") + 4;
    let end = start + section[start..].find("\n```").expect("the block's end");
    &section[start..end]
}

/// The first word of every alternative of every statement production (named in lower
/// case; CAPITALS name values): the statements the grammar says a block may hold.
/// Alternatives are split at `|` outside brackets and quotes.
fn grammar_statements(grammar: &str) -> Vec<String> {
    let mut firsts = Vec::new();
    // Productions start at column 0: `name := ...`, continued by indented lines.
    let mut productions: Vec<String> = Vec::new();
    for line in grammar.lines() {
        if line.starts_with(' ') {
            if let Some(last) = productions.last_mut() {
                last.push('\n');
                last.push_str(line);
            }
        } else {
            productions.push(line.to_owned());
        }
    }
    for production in &productions {
        let Some((name, body)) = production.split_once(":=") else {
            continue;
        };
        if name.trim().chars().any(|c| c.is_ascii_uppercase()) {
            continue;
        }
        let mut depth = 0i32;
        let mut quoted = false;
        let mut alternative_start = true;
        let mut word = String::new();
        for c in body.chars() {
            match c {
                '"' if quoted => {
                    quoted = false;
                    if alternative_start {
                        firsts.push(std::mem::take(&mut word));
                    }
                    word.clear();
                    alternative_start = false;
                }
                '"' => quoted = true,
                _ if quoted => word.push(c),
                '(' | '[' | '{' => {
                    depth += 1;
                    alternative_start = false;
                }
                ')' | ']' | '}' => depth -= 1,
                '|' if depth == 0 => alternative_start = true,
                c if c.is_whitespace() => {}
                _ => alternative_start = false,
            }
        }
    }
    firsts.sort();
    firsts.dedup();
    firsts
}

#[test]
fn the_guide_grammar_holds_every_statement_and_word_of_the_table() {
    use mdcards::scenario::script::statements::STATEMENTS;

    let grammar = guide_grammar();
    let mut names: Vec<String> = STATEMENTS.iter().map(|s| s.name.to_owned()).collect();
    names.sort();
    // Both ways: every statement the parser takes has an alternative in the grammar, and
    // every alternative the grammar shows starts with a statement the parser takes.
    assert_eq!(grammar_statements(grammar), names, "{grammar}");
    for spec in &STATEMENTS {
        assert!(
            grammar.contains(spec.help),
            "the guide describes `{}` as the table does: {:?}",
            spec.name,
            spec.help
        );
        for word in spec.words {
            assert!(
                grammar.contains(&format!("\"{word}\""))
                    || grammar.contains(&format!("\"{word}[\"")),
                "`{} … {word}` is missing from the guide's grammar",
                spec.name
            );
        }
    }
}
