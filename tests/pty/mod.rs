//! A real pseudo-terminal for the front-end tests, driven by Python's `pty`: the quiz runs
//! in it as in a terminal, keys are sent once the text they answer has appeared, and
//! everything the terminal showed comes back.
//!
//! Needs python3; without it the tests are skipped, unless CI=true, where that fails them.

use std::path::Path;
use std::process::Command;

#[path = "../common/mod.rs"]
mod common;

/// The clock the quiz runs at: the other front-end tests'.
use common::NOW;

/// Runs `sh -c SCRIPT` in a 100x40 pty; each step waits for its text, then sends its keys
/// one by one (each written at once: an escape sequence stays whole), and prints
/// everything the terminal showed, then `[exit N]`.
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
def read_more():
    """Add the terminal's next output to `out`; False once it has closed."""
    global out
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return False
    out += chunk
    return bool(chunk)
def read_until(pattern, timeout=20.0):
    end = time.time() + timeout
    while pattern.encode() not in plain(out[mark:]):
        left = end - time.time()
        if left <= 0:
            sys.stdout.buffer.write(out)
            sys.exit("timed out waiting for %r" % pattern)
        ready, _, _ = select.select([fd], [], [], left)
        if ready and not read_more():
            break
for expect, keys in steps:
    read_until(expect)
    mark = len(out)
    for key in keys:
        os.write(fd, key.encode())
        time.sleep(0.02)
while read_more():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.stdout.buffer.write(b"\n[exit %d]\n" % os.waitstatus_to_exitcode(status))
"#;

/// `python3`, or `None` after saying why the test is skipped (a failure under CI=true).
pub fn python() -> Option<&'static str> {
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

/// Runs `script` in the pty in `dir` (its own review database, never a real editor) through
/// `steps`: the text to wait for, then the keys to send.
pub fn run_in_pty(dir: &Path, script: &str, steps: &[(&str, Vec<String>)]) -> String {
    let steps = serde_json::to_string(steps).unwrap();
    let output = Command::new(python().expect("checked by the caller"))
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

/// `quiz ARGS` as a shell script that prints the terminal settings (`stty -g`) before and
/// after, so a test can check they come back unchanged, and the exit code as `[mdcards N]`.
pub fn quiz_script(args: &str) -> String {
    format!(
        "stty -g; {} quiz {args} 2>/dev/null; echo \"[mdcards $?]\"; stty -g",
        Path::new(env!("CARGO_BIN_EXE_mdcards")).display()
    )
}

/// The `stty -g` lines of a pty transcript.
pub fn stty_lines(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| l.trim_matches(|c: char| c == '\r' || c.is_whitespace()))
        .filter(|l| l.len() > 20 && l.split(':').count() > 10)
        .map(str::to_owned)
        .collect()
}
