//! Scenario cards in the full-screen front end, in a real pseudo-terminal (driven by
//! Python's `pty`): the answer prompt's line editor (typing, Backspace, Enter, Esc), the
//! graded answer side, enter taking the preselected rating, and the terminal given back.
//!
//! Needs python3; without it the tests are skipped, unless CI=true, where that fails them.

use std::path::Path;
use std::process::Command;

use mdcards::deck::CardId;
use mdcards::scenario::{Answer, GeneratorKind, generate, instance_seed};

const NOW: &str = "2026-03-10T10:00:00Z";

/// Runs `sh -c SCRIPT` in a 100x40 pty, sending each step's keys once its text has
/// appeared, and prints everything the terminal showed, then `[exit N]`.
const DRIVER: &str = r#"
import os, pty, sys, time, select, json, re, fcntl, termios, struct
script, steps = sys.argv[1], json.loads(sys.argv[2])
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", "-c", script])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
out = b""
mark = 0
def plain(data):
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", data)
def read_until(pattern, timeout=20.0):
    global out
    end = time.time() + timeout
    while pattern.encode() not in plain(out[mark:]):
        left = end - time.time()
        if left <= 0:
            sys.stdout.buffer.write(out)
            sys.exit("timed out waiting for %r" % pattern)
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
for expect, keys in steps:
    read_until(expect)
    mark = len(out)
    for key in keys:
        os.write(fd, key.encode())
        time.sleep(0.02)
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.stdout.buffer.write(b"\n[exit %d]\n" % os.waitstatus_to_exitcode(status))
"#;

fn python() -> Option<&'static str> {
    let found = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("python3");
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("python3 is required for the terminal tests (CI=true)");
    }
    eprintln!("skipping: python3 not found");
    None
}

/// Each step: the text to wait for, then the keys to send one by one.
fn run_in_pty(dir: &Path, steps: &[(&str, Vec<String>)]) -> String {
    let script = format!(
        "stty -g; {} quiz raft.md 2>/dev/null; echo \"[mdcards $?]\"; stty -g",
        Path::new(env!("CARGO_BIN_EXE_mdcards")).display()
    );
    let steps = serde_json::to_string(steps).unwrap();
    let output = Command::new(python().expect("checked by the caller"))
        .current_dir(dir)
        .args(["-c", DRIVER, &script, &steps])
        .env("MDCARDS_DB", dir.join("reviews.sqlite3"))
        .env("MDCARDS_NOW", NOW)
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        .env("VISUAL", "true")
        .env("EDITOR", "true")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "pty driver failed: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    text
}

fn keys(text: &str) -> Vec<String> {
    text.chars().map(String::from).collect()
}

fn stty_lines(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| l.trim_matches(|c: char| c == '\r' || c.is_whitespace()))
        .filter(|l| l.len() > 20 && l.split(':').count() > 10)
        .map(str::to_owned)
        .collect()
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
            ("answer (yes or no):", typed),
            ("enter Good", vec!["\r".to_owned()]),
            ("answer (yes or no):", vec!["\u{3}".to_owned()]),
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
