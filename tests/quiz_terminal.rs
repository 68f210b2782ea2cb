//! The full-screen front end in a real pseudo-terminal (driven by Python's `pty`): single
//! keys, Ctrl-C, the editor round trip, and the terminal given back exactly as it was.
//!
//! Needs python3; without it the tests are skipped, unless CI=true, where that fails them.

use std::path::Path;

mod pty;
use pty::{python, quiz_script as script, stty_lines};

/// Each step: the text to wait for, then one key (or escape sequence) to send.
fn run_in_pty(dir: &Path, script: &str, steps: &[(&str, &str)]) -> String {
    let steps: Vec<(&str, Vec<String>)> = steps
        .iter()
        .map(|&(expect, key)| (expect, vec![key.to_owned()]))
        .collect();
    pty::run_in_pty(dir, script, &steps)
}

fn reviews(dir: &Path) -> i64 {
    let conn = rusqlite::Connection::open(dir.join("reviews.sqlite3")).unwrap();
    conn.query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap()
}

fn notes(dir: &Path) {
    std::fs::write(
        dir.join("raft.md"),
        "# Raft\n\n## What is a term?\n\nA logical clock.\n\n## Who can vote?\n\nEvery server.\n",
    )
    .unwrap();
}

#[test]
fn keys_rate_and_quit_and_the_terminal_is_restored() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    notes(dir.path());
    let out = run_in_pty(
        dir.path(),
        &script("raft.md"),
        &[
            ("show answer", " "),
            ("3 Good 10m", "3"),
            ("Who can vote?", "q"),
        ],
    );
    assert!(
        out.contains("\u{1b}[?1049h"),
        "entered the alternate screen"
    );
    assert!(out.contains("\u{1b}[?1049l"), "left the alternate screen");
    assert!(out.contains("A logical clock."));
    assert!(
        out.contains("Reviewed 1 card"),
        "summary after leaving: {out}"
    );
    assert!(out.contains("[mdcards 0]"));
    let stty = stty_lines(&out);
    assert_eq!(stty.len(), 2, "{out}");
    assert_eq!(stty[0], stty[1], "terminal settings restored");
    assert_eq!(reviews(dir.path()), 1);
}

#[test]
fn ctrl_c_at_any_prompt_quits_cleanly_keeping_answers() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    notes(dir.path());
    // Ctrl-C on the question side of the second card, after one answer.
    let out = run_in_pty(
        dir.path(),
        &script("raft.md"),
        &[
            ("show answer", "\r"),
            ("4 Easy", "4"),
            ("Who can vote?", "\u{3}"),
        ],
    );
    assert!(out.contains("\u{1b}[?1049l"));
    assert!(out.contains("[mdcards 0]"), "{out}");
    let stty = stty_lines(&out);
    assert_eq!(stty[0], stty[1]);
    assert_eq!(reviews(dir.path()), 1);

    // Ctrl-C on the answer side.
    let out = run_in_pty(
        dir.path(),
        &script("raft.md"),
        &[("show answer", " "), ("1 Again", "\u{3}")],
    );
    assert!(out.contains("[mdcards 0]"), "{out}");
    let stty = stty_lines(&out);
    assert_eq!(stty[0], stty[1]);
    assert_eq!(reviews(dir.path()), 1);
}

#[test]
fn e_opens_the_editor_at_the_card_and_resyncs() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    notes(dir.path());
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\necho \"$1 $2\" > \"$(dirname \"$2\")/editor-args\"\n\
         sed -i 's/A logical clock./A logical clock that only grows./' \"$2\"\n",
    )
    .unwrap();
    let script = format!(
        "export VISUAL='sh {}'; {}",
        editor.display(),
        script("raft.md")
    );
    let out = run_in_pty(
        dir.path(),
        &script,
        &[
            ("show answer", "e"),
            ("notes synced", " "),
            ("that only grows", "q"),
        ],
    );
    assert!(
        out.contains("notes synced: 0 added, 1 updated, 0 renamed, 0 retired"),
        "{out}"
    );
    let args = std::fs::read_to_string(dir.path().join("editor-args")).unwrap();
    assert!(args.starts_with("+3 "), "{args}");
    assert!(args.trim_end().ends_with("raft.md"), "{args}");
    let stty = stty_lines(&out);
    assert_eq!(stty[0], stty[1]);
}

#[test]
fn an_edit_that_leaves_an_error_says_which_and_where() {
    if python().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("raft.md"),
        "# Raft\n\n## What is a term?\n<!-- id: term -->\n\nA logical clock.\n",
    )
    .unwrap();
    // The editor adds a card that claims the same id.
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nprintf '\\n## Who can vote?\\n<!-- id: term -->\\n\\nEvery server.\\n' >> \"$2\"\n",
    )
    .unwrap();
    let script = format!(
        "export VISUAL='sh {}'; {}",
        editor.display(),
        script("raft.md")
    );
    let run = pty::run(
        dir.path(),
        &script,
        (30, 120),
        &[
            pty::Step::keys("show answer", &["e"]),
            pty::Step::keys("not synced", &["q"]).screen(),
        ],
    );
    let screen = run.screens[0].replace('\n', " ");
    assert!(
        screen.contains(
            "not synced: raft.md:8:1: error[duplicate-id]: the id `term` belongs to two cards"
        ),
        "the error, its code and where it is: {screen}"
    );
    assert!(screen.contains("press e to fix it"), "{screen}");
}
