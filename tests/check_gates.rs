//! What `check` rejects in scenarios, the commands that write refuse too: `sync` and
//! `export` stop with exit 1 and write nothing, `quiz` reviews the cards as last synced. An
//! example Raft message no server would send is a finding about the prose: an error in
//! `check`, a warning for the others, which go on. The notes `check` prints (what a stated
//! follower does) are `check`'s alone.

use std::path::Path;

mod common;
use common::Place;

const GOOD: &str = "# Raft

## Who leads after the first election?

```raft
cluster 3
node 1 follower term 0 timeout 5
node 2 follower term 0 timeout 20
node 3 follower term 0 timeout 20
tick 12
expect leader 1
```
";

/// The same card with an expectation the simulator contradicts (node 1 wins, not node 2).
fn contradicted() -> String {
    GOOD.replace("expect leader 1", "expect leader 2")
}

/// A card whose AppendEntries skips an index: no leader could send it.
const IMPOSSIBLE_MESSAGE: &str = "# Raft

## An AppendEntries

```json
{\"term\": 5, \"leaderId\": 1, \"prevLogIndex\": 8, \"prevLogTerm\": 4,
 \"entries\": [{\"index\": 10, \"term\": 5}], \"leaderCommit\": 9}
```
";

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn sync_refuses_a_scenario_the_simulator_contradicts_and_writes_nothing() {
    let place = Place::new();
    place.write("raft.md", &contradicted());
    let output = place.mdcards().args(["sync", "raft.md"]).assert().code(1);
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("scenario-expect"), "{stderr}");
    assert!(stderr.contains("raft.md:11"), "{stderr}");
    assert!(stderr.contains("nothing written"), "{stderr}");

    // Fixed, the card is added: the refused sync stored nothing.
    place.write("raft.md", GOOD);
    let output = place.mdcards().args(["sync", "raft.md"]).assert().success();
    let stdout = text(&output.get_output().stdout);
    assert!(stdout.contains("1 added"), "{stdout}");
}

#[test]
fn an_impossible_raft_message_is_an_error_in_check_and_a_warning_elsewhere() {
    let place = Place::new();
    place.write("raft.md", IMPOSSIBLE_MESSAGE);
    let output = place.mdcards().args(["check", "raft.md"]).assert().code(1);
    let stdout = text(&output.get_output().stdout);
    assert!(
        stdout.contains("× entries are contiguous from prevLogIndex + 1 = 9"),
        "{stdout}"
    );
    assert!(stdout.contains("1 error, 0 warnings in 1 file"), "{stdout}");

    let output = place
        .mdcards()
        .args(["export", "raft.md", "raft.apkg"])
        .assert()
        .success();
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("message-inconsistent"), "{stderr}");
    assert!(
        stderr.contains("⚠ entries are contiguous from prevLogIndex + 1 = 9"),
        "{stderr}"
    );
    assert!(stderr.contains("raft.md:7"), "{stderr}");
    assert!(stderr.contains("0 errors, 1 warning in 1 file"), "{stderr}");
    assert!(stderr.contains("Exported 1 card"), "{stderr}");
    assert!(Path::new(&place.path("raft.apkg")).exists());

    let output = place.mdcards().args(["sync", "raft.md"]).assert().success();
    assert!(text(&output.get_output().stdout).contains("1 added"));
    assert!(
        text(&output.get_output().stderr)
            .contains("⚠ entries are contiguous from prevLogIndex + 1 = 9")
    );
}

#[test]
fn quiz_reviews_the_cards_as_last_synced_when_a_scenario_breaks() {
    let place = Place::new();
    place.write("raft.md", GOOD);
    place.mdcards().args(["sync", "raft.md"]).assert().success();
    place.write("raft.md", &contradicted());
    let output = place
        .mdcards()
        .args(["quiz", "raft.md"])
        .write_stdin("q\n")
        .assert()
        .success();
    let stderr = text(&output.get_output().stderr);
    assert!(stderr.contains("scenario-expect"), "{stderr}");
    assert!(stderr.contains("notes not synced"), "{stderr}");
    let stdout = text(&output.get_output().stdout);
    assert!(
        stdout.contains("Who leads after the first election?"),
        "{stdout}"
    );
}

#[test]
fn only_check_shows_what_a_stated_follower_does() {
    // The built-in deck has two such notes: `check` shows them, the quiz does not.
    let place = Place::new();
    let output = place.mdcards().arg("check").assert().success();
    let stdout = text(&output.get_output().stdout);
    assert!(stdout.contains("message-outcome"), "{stdout}");
    let output = place.mdcards().write_stdin("q\n").assert().success();
    let stderr = text(&output.get_output().stderr);
    assert!(!stderr.contains("message-outcome"), "{stderr}");
}
