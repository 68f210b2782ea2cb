//! Killing a session, interrupting it, and running two at once: no answered review is lost
//! and the database stays intact.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

const NOW: &str = "2026-03-10T10:00:00Z";

fn notes(dir: &Path, cards: usize) -> PathBuf {
    let mut text = String::from("# Raft\n\n");
    for i in 0..cards {
        text.push_str(&format!(
            "## Question {i}: what happens at step {i}?\n\nAnswer {i}.\n\n"
        ));
    }
    let path = dir.join("raft.md");
    std::fs::write(&path, text).unwrap();
    path
}

fn spawn(dir: &Path, db: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mdcards"))
        .current_dir(dir)
        .env("MDCARDS_DB", db)
        .env("MDCARDS_NOW", NOW)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .arg("quiz")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Lines of the child's stdout, as they come.
fn lines(child: &mut Child) -> Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

fn wait_for(lines: &Receiver<String>, prefix: &str) {
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no line starting with {prefix:?}"));
        if line.starts_with(prefix) {
            return;
        }
    }
}

/// Reveal and rate Good, waiting until the answer is confirmed (committed).
fn answer(stdin: &mut ChildStdin, lines: &Receiver<String>) {
    stdin.write_all(b"\n3\n").unwrap();
    stdin.flush().unwrap();
    wait_for(lines, "→ Good");
}

fn reviews_and_integrity(db: &Path) -> (i64, String) {
    let conn = rusqlite::Connection::open(db).unwrap();
    let reviews = conn
        .query_row("SELECT count(*) FROM reviews", [], |r| r.get(0))
        .unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    (reviews, check)
}

#[test]
fn sigkill_mid_session_loses_no_answered_review() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reviews.sqlite3");
    notes(dir.path(), 30);
    let mut child = spawn(dir.path(), &db, &["raft.md", "--new", "30"]);
    let output = lines(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..7 {
        answer(&mut stdin, &output);
    }
    // Half-way through the eighth card: revealed, not rated.
    stdin.write_all(b"\n").unwrap();
    stdin.flush().unwrap();
    wait_for(&output, "1 Again");
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let (reviews, check) = reviews_and_integrity(&db);
    assert_eq!(reviews, 7);
    assert_eq!(check, "ok");
}

#[test]
fn ctrl_c_in_plain_mode_keeps_the_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reviews.sqlite3");
    notes(dir.path(), 10);
    let mut child = spawn(dir.path(), &db, &["raft.md"]);
    let output = lines(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    for _ in 0..3 {
        answer(&mut stdin, &output);
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap();
    let (reviews, check) = reviews_and_integrity(&db);
    assert_eq!(reviews, 3);
    assert_eq!(check, "ok");
}

#[test]
fn two_sessions_on_one_database_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("reviews.sqlite3");
    notes(dir.path(), 20);
    // Create the cards first, so both sessions start from the same store.
    let status = Command::new(env!("CARGO_BIN_EXE_mdcards"))
        .current_dir(dir.path())
        .env("MDCARDS_DB", &db)
        .env("MDCARDS_NOW", NOW)
        .args(["sync", "raft.md"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let mut children: Vec<Child> = (0..2)
        .map(|_| spawn(dir.path(), &db, &["raft.md", "--new", "20"]))
        .collect();
    // Both sessions load their queue (all 20 new cards) before either answers...
    let outputs: Vec<Receiver<String>> = children.iter_mut().map(lines).collect();
    for output in &outputs {
        wait_for(output, "── 20 new");
    }
    // ...then both answer every card Easy at the same time.
    let writers: Vec<_> = children
        .iter_mut()
        .map(|child| {
            let mut stdin = child.stdin.take().unwrap();
            std::thread::spawn(move || {
                let _ = stdin.write_all("\n4\n".repeat(20).as_bytes());
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    let mut answered = 0;
    for (child, output) in children.into_iter().zip(&outputs) {
        let status = child.wait_with_output().unwrap().status;
        assert!(status.success());
        answered += output.iter().filter(|l| l.starts_with("→ Easy")).count() as i64;
    }
    assert_eq!(answered, 40);
    let (reviews, check) = reviews_and_integrity(&db);
    assert_eq!(check, "ok");
    assert_eq!(reviews, 40, "every answer is in the log");
    // Each card was answered in both sessions; whichever came second was scheduled from
    // the first one's result instead of overwriting it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (min_reps, max_reps): (i64, i64) = conn
        .query_row("SELECT min(reps), max(reps) FROM cards", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((min_reps, max_reps), (2, 2));
}
