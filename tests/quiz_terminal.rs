//! The full-screen front end in a real pseudo-terminal (driven by Python's `pty`): single
//! keys, Ctrl-C, the editor round trip, and the terminal given back exactly as it was.
//!
//! Needs python3; without it the tests are skipped, unless CI=true, where that fails them.

use std::path::Path;
use std::process::Command;

const NOW: &str = "2026-03-10T10:00:00Z";

/// Runs `sh -c SCRIPT` in a pty, feeding `keys` (each after its expected text appeared),
/// and returns everything the terminal showed plus the exit status of the shell.
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
for expect, key in steps:
    read_until(expect)
    mark = len(out)  # later steps wait for new output
    os.write(fd, key.encode())
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

fn run_in_pty(dir: &Path, script: &str, steps: &[(&str, &str)]) -> String {
    let python = python().expect("checked by the caller");
    let steps = serde_json::to_string(steps).unwrap();
    let output = Command::new(python)
        .current_dir(dir)
        .args(["-c", DRIVER, script, &steps])
        .env("MDCARDS_DB", dir.join("reviews.sqlite3"))
        .env("MDCARDS_NOW", NOW)
        .env("TZ", "UTC")
        .env("TERM", "xterm")
        // Never a real editor, whatever the machine has configured.
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

fn script(args: &str) -> String {
    // `stty -g` before and after: the terminal settings must come back unchanged.
    format!(
        "stty -g; {} quiz {args} 2>/dev/null; echo \"[mdcards $?]\"; stty -g",
        Path::new(env!("CARGO_BIN_EXE_mdcards")).display()
    )
}

fn stty_lines(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| l.trim_matches(|c: char| c == '\r' || c.is_whitespace()))
        .filter(|l| l.len() > 20 && l.split(':').count() > 10)
        .map(str::to_owned)
        .collect()
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
