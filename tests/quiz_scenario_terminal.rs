//! Scenario cards in the full-screen front end, in a real pseudo-terminal (driven by
//! Python's `pty`): the answer prompt's line editor (typing, Backspace, Enter, Esc), the
//! graded answer side, enter taking the preselected rating, and the terminal given back.
//!
//! Needs python3; without it the tests are skipped, unless CI=true, where that fails them.

use std::path::Path;

mod pty;
use pty::{python, quiz_script, stty_lines};

use mdcards::deck::CardId;
use mdcards::scenario::{Answer, GeneratorKind, generate, instance_seed};

/// Each step: the text to wait for, then the keys to send one by one.
fn run_in_pty(dir: &Path, steps: &[(&str, Vec<String>)]) -> String {
    pty::run_in_pty(dir, &quiz_script("raft.md"), steps)
}

fn keys(text: &str) -> Vec<String> {
    text.chars().map(String::from).collect()
}

fn setup(dir: &Path) -> Answer {
    std::fs::write(
        dir.join("raft.md"),
        "# Raft\n\n## Vote decisions, generated\n\n```raft\ngenerate vote-decision\n```\n",
    )
    .unwrap();
    let id = CardId::from_front("Raft", "Vote decisions, generated");
    generate(GeneratorKind::VoteDecision, instance_seed(id.as_str(), 0)).answer
}

fn sql(dir: &Path, query: &str) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("reviews.sqlite3")).unwrap();
    conn.query_row(query, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_line_editor_submits_with_enter_and_enter_then_rates() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let answer = setup(dir.path());
    // A typo rubbed out with Backspace, then the answer and Enter.
    let mut typed = keys("x");
    typed.push("\u{7f}".to_owned());
    typed.extend(keys(&answer.to_string()));
    typed.push("\r".to_owned());
    let out = run_in_pty(
        dir.path(),
        &[
            ("[enter] answer", vec!["\r".to_owned()]),
            ("answer (yes or no):", typed),
            ("enter Good", vec!["\r".to_owned()]),
            ("[enter] answer", vec!["\u{3}".to_owned()]),
        ],
    );
    assert!(out.contains("✓ right"), "{out}");
    assert!(out.contains("[mdcards 0]"), "{out}");
    let stty = stty_lines(&out);
    assert_eq!(stty.len(), 2, "{out}");
    assert_eq!(stty[0], stty[1], "terminal settings restored");
    assert_eq!(sql(dir.path(), "SELECT rating FROM reviews"), 3);
    assert_eq!(sql(dir.path(), "SELECT correct FROM scenario_answers"), 1);
}

#[test]
fn esc_goes_back_to_the_question_where_keys_are_commands() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    setup(dir.path());
    let out = run_in_pty(
        dir.path(),
        &[
            ("[enter] answer", vec!["\r".to_owned()]),
            (
                "answer (yes or no):",
                vec!["y".to_owned(), "\u{1b}".to_owned()],
            ),
            // Back at the question: `s` buries (in the editor it would be typed).
            ("[enter] answer", vec!["s".to_owned()]),
            ("No more cards", vec!["q".to_owned()]),
        ],
    );
    assert!(out.contains("[mdcards 0]"), "{out}");
    assert!(out.contains("1 buried until tomorrow."), "{out}");
    assert_eq!(sql(dir.path(), "SELECT count(*) FROM reviews"), 0);
}
