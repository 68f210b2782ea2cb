//! `mdcards check`: problems rendered like rustc, a summary line, exit 1 on errors.

use predicates::str::contains;

mod common;
use common::{mdcards, stdout};

#[test]
fn the_builtin_deck_is_clean() {
    // Its only diagnostics are notes: what a stated follower does with the seed's heartbeats.
    let out = stdout(mdcards().args(["check", "--json"]), 0);
    let report: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(
        report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["severity"] == "note"),
        "{out}"
    );
}

#[test]
fn good_notes_pass() {
    let out = stdout(mdcards().args(["check", "tests/fixtures/notes/good"]), 0);
    assert_eq!(out, "0 errors, 0 warnings in 2 files\n");
}

#[test]
fn every_problem_is_shown_with_its_source_and_hint() {
    let out = stdout(
        mdcards().args(["check", "tests/fixtures/notes/bad", "--all"]),
        1,
    );
    insta::assert_snapshot!("bad_folder", out);
}

#[test]
fn json_lists_every_diagnostic() {
    let out = stdout(
        mdcards().args(["check", "tests/fixtures/notes/bad", "--json"]),
        1,
    );
    let report: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    insta::assert_json_snapshot!("bad_folder_json", report);
}

#[test]
fn only_warnings_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.md"), "Intro.\n\n## Q\nA\n").unwrap();
    let out = stdout(mdcards().arg("check").arg(dir.path()), 0);
    assert!(out.contains("outside-card"), "{out}");
    assert!(out.ends_with("0 errors, 1 warning in 1 file\n"), "{out}");
}

#[test]
fn colour_follows_the_color_flag() {
    let plain = stdout(
        mdcards().args([
            "check",
            "tests/fixtures/notes/bad/dup_a.md",
            "tests/fixtures/notes/bad/dup_b.md",
            "--color",
            "never",
        ]),
        1,
    );
    assert!(!plain.contains('\u{1b}'));
    let coloured = stdout(
        mdcards().args([
            "check",
            "tests/fixtures/notes/bad/dup_a.md",
            "tests/fixtures/notes/bad/dup_b.md",
            "--color",
            "always",
        ]),
        1,
    );
    assert!(coloured.contains('\u{1b}'));
}

#[test]
fn an_unreadable_path_is_an_error_not_a_crash() {
    mdcards()
        .args(["check", "tests/fixtures/notes/nowhere"])
        .assert()
        .code(1)
        .stdout(contains("unreadable"))
        .stdout(contains(
            "cannot read file or folder tests/fixtures/notes/nowhere",
        ))
        .stdout(contains("1 error, 0 warnings in 0 files"));
}

#[test]
fn a_folder_without_notes_is_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "## Q\nA\n").unwrap();
    let out = stdout(mdcards().arg("check").arg(dir.path()), 0);
    assert!(out.contains("no .md or .markdown files in"), "{out}");
    assert!(out.ends_with("0 errors, 1 warning in 0 files\n"), "{out}");
}
