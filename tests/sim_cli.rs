//! `mdcards sim` end to end: scripts (timeline, expectations, exit codes, file:line
//! errors), random schedules (timeline, summary, JSON) and the fuzzer.

use std::path::Path;

use assert_cmd::Command;
use mdcards::raft::schedule::{self, ScheduleConfig};
use predicates::prelude::*;

/// `mdcards sim --color never`, ready for more arguments.
fn sim() -> Command {
    let mut command = assert_cmd::cargo_bin_cmd!("mdcards");
    command
        .env("NO_COLOR", "1")
        .args(["sim", "--color", "never"]);
    command
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/raft")
        .join(name)
        .display()
        .to_string()
}

/// Stderr with miette's frame and line wrapping taken out, so phrases can be matched.
fn flat_stderr(command: &mut Command) -> (i32, String) {
    let output = command.output().unwrap();
    let text = String::from_utf8_lossy(&output.stderr)
        .replace(['│', '×', '╭', '╰', '─', '·', '┬', '|'], " ");
    let words: Vec<&str> = text.split_whitespace().collect();
    (output.status.code().unwrap_or(-1), words.join(" "))
}

fn stdout_of(args: &[&str]) -> String {
    let output = sim().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn script_timelines_are_golden() {
    for name in [
        "election",
        "figure7",
        "figure8",
        "partition",
        "seed_messages",
    ] {
        let stdout = stdout_of(&[&fixture(&format!("{name}.raft"))]);
        assert!(
            !stdout.contains('\u{1b}'),
            "no colour codes with --color never"
        );
        insta::assert_snapshot!(format!("script_{name}"), stdout);
    }
}

#[test]
fn a_failing_expect_exits_1_with_expected_actual_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wrong.raft");
    std::fs::write(
        &path,
        "cluster 3\nnode 1 term 5 log 1 5\nsend 2 -> 1 {\"term\": 5, \"candidateId\": 2, \"lastLogIndex\": 9, \"lastLogTerm\": 4}\nexpect 1 -> 2 voteGranted true\n",
    )
    .unwrap();
    sim()
        .arg(&path)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("FAILED line 4: expect 1 -> 2 voteGranted true"))
        .stdout(predicate::str::contains("expected true, got false"))
        .stdout(predicate::str::contains(
            "because node 1: refused vote to 2: candidate's last log term 4 < my last log term 5 (§5.4.1)",
        ));
}

#[test]
fn a_bad_script_exits_2_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.raft");
    std::fs::write(&path, "cluster 3\n\ntimeout 7\n").unwrap();
    let (code, stderr) = flat_stderr(sim().arg(&path));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.raft:3:9: `7` is not a node of this cluster"),
        "{stderr}"
    );
    assert!(stderr.contains("nodes are numbered 1 to 3"), "{stderr}");
}

#[test]
fn a_script_that_cannot_run_exits_2_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("impossible.raft");
    std::fs::write(
        &path,
        "cluster 3\nnode 1 leader term 2\nnode 3 leader term 2\n",
    )
    .unwrap();
    let (code, stderr) = flat_stderr(sim().arg(&path));
    assert_eq!(code, 2);
    assert!(stderr.contains("impossible.raft:3:1"), "{stderr}");
    assert!(
        stderr.contains("breaks Election Safety: 3 and 1 are both leaders of term 2"),
        "{stderr}"
    );
}

#[test]
fn a_missing_script_exits_2() {
    sim()
        .args(["no/such/file.raft"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no/such/file.raft"));
}

#[test]
fn script_json_has_the_trace_and_the_expectations() {
    let stdout = stdout_of(&[&fixture("election.raft"), "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["expects"].as_array().unwrap().len(), 7);
    assert_eq!(json["expects"][0]["outcome"]["outcome"], "passed");
    let events = json["trace"]["events"].as_array().unwrap();
    assert!(events.iter().any(|e| e["event"] == "note"
        && e["note"]["note"] == "becameLeader"
        && e["why"].as_str().unwrap().contains("(§5.2)")));
    assert!(events.iter().any(|e| e["event"] == "delivered"
        && e["message"]["type"] == "RequestVote"
        && e["message"]["message"]["candidateId"] == 1));
}

#[test]
fn random_schedule_prints_a_timeline_and_logs() {
    let stdout = stdout_of(&[
        "--nodes",
        "5",
        "--seed",
        "7",
        "--ticks",
        "400",
        "--drop",
        "0.1",
        "--partitions",
    ]);
    assert!(
        stdout.starts_with(" tick │ 1    2    3    4    5"),
        "{stdout}"
    );
    assert!(stdout.contains("wins term"), "{stdout}");
    assert!(stdout.contains("── logs at tick 400 ──"), "{stdout}");
    // Deterministic from the seed.
    assert_eq!(
        stdout,
        stdout_of(&[
            "--nodes",
            "5",
            "--seed",
            "7",
            "--ticks",
            "400",
            "--drop",
            "0.1",
            "--partitions"
        ])
    );
}

#[test]
fn random_schedule_summary_is_golden() {
    let stdout = stdout_of(&[
        "--nodes",
        "5",
        "--seed",
        "7",
        "--ticks",
        "2000",
        "--summary",
    ]);
    insta::assert_snapshot!("random_summary_seed7", stdout);
}

#[test]
fn random_schedule_json_is_the_trace() {
    let stdout = stdout_of(&["--nodes", "3", "--seed", "2", "--ticks", "100", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    // The same schedule run in the library with its trace on, serialised the same way.
    let mut config = ScheduleConfig::new(3, 2, 100);
    config.trace = true;
    let run = schedule::run(&config).unwrap();
    let trace = run.cluster.trace().unwrap();
    assert!(trace.events.len() > 50, "a run of 100 ticks has a trace");
    assert_eq!(json, serde_json::to_value(trace).unwrap());
}

#[test]
fn bad_random_options_exit_2() {
    sim()
        .args(["--drop", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--drop 1.5 is not a probability"));
    sim()
        .args(["--nodes", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--nodes"));
}

#[test]
fn fuzz_reports_seeds_and_steps() {
    sim()
        .args(["--fuzz", "--seeds", "40", "--ticks", "300"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with(
            "40 seeds passed (5 nodes, 300 ticks each, faults on):",
        ))
        .stdout(predicate::str::contains(
            "every invariant held after every step",
        ));
    let output = sim()
        .args(["--fuzz", "--seeds", "5", "--ticks", "100", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["seedsPassed"], 5);
    assert!(json["failure"].is_null());
}
