//! Keys do what they say, in a real terminal (80x24) and in plain mode: a scenario card
//! opens with its answer box closed, so keys pressed for the previous card never become
//! typed text; command keys work until something is typed; undo asks the card again; a
//! graded scenario answer survives quitting.
//!
//! Needs python3 for the terminal; without it those tests are skipped, unless CI=true.

use std::path::Path;

mod pty;
use pty::{Step, python, quiz_script};

use mdcards::deck::CardId;
use mdcards::scenario::{Answer, GeneratorKind, generate, instance_seed};

const SIZE: (u16, u16) = (24, 80);

const BASIC: &str =
    "# Raft\n\n## What is a term?\n\nA logical clock.\n\n## Who can vote?\n\nEvery server.\n";

const GENERATOR: &str = "## Vote decisions, generated\n\n```raft\ngenerate vote-decision\n```\n";

/// The generator card's first answer.
fn answer() -> Answer {
    let id = CardId::from_front("Raft", "Vote decisions, generated");
    generate(GeneratorKind::VoteDecision, instance_seed(id.as_str(), 0)).answer
}

fn wrong() -> String {
    match answer() {
        Answer::YesNo(yes) => if yes { "no" } else { "yes" }.to_owned(),
        other => panic!("a vote decision is yes or no, not {other}"),
    }
}

fn sql(dir: &Path, query: &str) -> String {
    let conn = rusqlite::Connection::open(dir.join("reviews.sqlite3")).unwrap();
    conn.query_row(query, [], |r| r.get::<_, rusqlite::types::Value>(0))
        .map(|v| match v {
            rusqlite::types::Value::Integer(n) => n.to_string(),
            rusqlite::types::Value::Text(t) => t,
            rusqlite::types::Value::Null => "NULL".to_owned(),
            other => format!("{other:?}"),
        })
        .unwrap()
}

fn place(notes: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("raft.md"), notes).unwrap();
    dir
}

#[test]
fn keys_for_the_last_card_do_not_leak_into_a_scenario_card() {
    if python().is_none() {
        return;
    }
    let dir = place(&format!("{BASIC}\n{GENERATOR}"));
    let run = pty::run(
        dir.path(),
        &quiz_script("raft.md --new 3"),
        SIZE,
        &[
            Step::keys("show answer", &[" "]),
            Step::keys("3 Good", &["3"]),
            Step::keys("show answer", &[" "]),
            Step::keys("3 Good", &["3"]),
            // The scenario card: a stray rating, space and enter-less `u` meant for the card
            // before are commands (refused or run), never typed text.
            Step::keys("[enter] answer", &["3", " "]).screen(),
            Step::keys("enter (or a) opens the answer box", &["u"]),
            Step::keys("undone", &[]).screen(),
            Step::keys("", &["q"]),
        ],
    );
    let scenario = &run.screens[0];
    assert!(
        scenario.contains("Does node 1 grant its vote"),
        "{scenario}"
    );
    assert!(
        !scenario.contains("answer (yes or no): 3"),
        "nothing typed: {scenario}"
    );
    let undone = &run.screens[1];
    assert!(undone.contains("Who can vote?"), "{undone}");
    assert!(undone.contains("show answer"), "{undone}");
    assert_eq!(sql(dir.path(), "SELECT count(*) FROM reviews"), "1");
    assert_eq!(
        sql(dir.path(), "SELECT count(*) FROM scenario_answers"),
        "0"
    );
}

#[test]
fn command_keys_work_in_an_empty_answer_box_and_enter_opens_it() {
    if python().is_none() {
        return;
    }
    let dir = place(&format!("# Raft\n\n{GENERATOR}"));
    let run = pty::run(
        dir.path(),
        &quiz_script("raft.md"),
        SIZE,
        &[
            Step::keys("[enter] answer", &["\r"]),
            // Nothing typed yet: `s` buries, it is not the first letter of an answer.
            Step::keys("answer (yes or no):", &["s"]),
            Step::keys("No more cards", &["q"]),
        ],
    );
    assert!(run.out.contains("1 buried until tomorrow."), "{}", run.out);
    assert_eq!(sql(dir.path(), "SELECT count(*) FROM reviews"), "0");
}

#[test]
fn undo_shows_the_question_again_so_space_reveals_instead_of_rating() {
    if python().is_none() {
        return;
    }
    let dir = place(BASIC);
    let run = pty::run(
        dir.path(),
        &quiz_script("raft.md"),
        SIZE,
        &[
            Step::keys("show answer", &[" "]),
            Step::keys("3 Good", &["3"]),
            Step::keys("Who can vote?", &["u"]),
            Step::keys("undone", &[" "]).screen(),
            Step::keys("A logical clock.", &["q"]).screen(),
        ],
    );
    let undone = &run.screens[0];
    assert!(undone.contains("What is a term?"), "{undone}");
    assert!(undone.contains("[space] show answer"), "{undone}");
    assert!(
        !undone.contains("A logical clock."),
        "the answer is hidden again: {undone}"
    );
    assert!(run.screens[1].contains("1 Again"), "{}", run.screens[1]);
    assert_eq!(
        sql(dir.path(), "SELECT count(*) FROM reviews"),
        "0",
        "space showed the answer; nothing was rated"
    );
}

#[test]
fn quitting_after_a_scenario_verdict_records_it_with_the_preselected_rating() {
    if python().is_none() {
        return;
    }
    let given = wrong();
    // In the terminal: q on the verdict.
    let dir = place(&format!("# Raft\n\n{GENERATOR}"));
    pty::run(
        dir.path(),
        &quiz_script("raft.md"),
        SIZE,
        &[
            Step::keys("[enter] answer", &["\r"]),
            Step::typed("answer (yes or no):", &format!("{given}\r")),
            Step::keys("enter Again", &["q"]),
        ],
    );
    assert_eq!(sql(dir.path(), "SELECT count(*) FROM reviews"), "1");
    assert_eq!(sql(dir.path(), "SELECT rating FROM reviews"), "1");
    assert_eq!(sql(dir.path(), "SELECT given FROM scenario_answers"), given);
    assert_eq!(sql(dir.path(), "SELECT correct FROM scenario_answers"), "0");

    // In plain mode: q, or the input ending, on the verdict.
    for input in [format!("\n{given}\nq\n"), format!("\n{given}\n")] {
        let dir = place(&format!("# Raft\n\n{GENERATOR}"));
        let output = assert_cmd::Command::cargo_bin("mdcards")
            .unwrap()
            .current_dir(dir.path())
            .env("MDCARDS_DB", dir.path().join("reviews.sqlite3"))
            .env("MDCARDS_NOW", "2026-03-10T10:00:00Z")
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .args(["quiz", "raft.md"])
            .write_stdin(input.as_str())
            .output()
            .unwrap();
        let out = String::from_utf8_lossy(&output.stdout);
        assert!(out.contains("→ Again, next in 1m"), "{out}");
        assert!(out.contains("Reviewed 1 card"), "{out}");
        assert_eq!(sql(dir.path(), "SELECT rating FROM reviews"), "1");
        assert_eq!(sql(dir.path(), "SELECT given FROM scenario_answers"), given);
    }
}
