//! A real pseudo-terminal for the front-end tests, driven by Python's `pty`: the quiz runs
//! in it as in a terminal of a chosen size, keys are sent once the text they answer has
//! appeared, the terminal can be resized mid-run, and a small terminal emulator in the
//! driver records what the screen showed at chosen steps (so a test can tell what was
//! visible, not only what was ever written).
//!
//! Every wait has a deadline: a quiz that stops answering fails the test instead of
//! hanging it.
//!
//! Needs python3; without it the tests are skipped, unless CI=true, where that fails them.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

#[path = "../common/mod.rs"]
mod common;

/// The clock the quiz runs at: the other front-end tests'.
use common::NOW;

/// Runs `sh -c SCRIPT` in a ROWSxCOLS pty; each step waits (at most 20 s) for its text,
/// then records the screen if asked (once the output has settled), resizes the terminal
/// if asked, and sends its keys one by one (each written at once: an escape sequence stays
/// whole). Prints everything the terminal showed, `[exit N]`, then a marker line and the
/// recorded screens as JSON.
const DRIVER: &str = r#"
import os, pty, sys, time, select, json, re, fcntl, termios, struct, signal, unicodedata
script, steps = sys.argv[1], json.loads(sys.argv[2])
rows, cols = int(sys.argv[3]), int(sys.argv[4])
pid, fd = pty.fork()
if pid == 0:
    os.execvp("sh", ["sh", "-c", script])

def set_size(r, c):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", r, c, 0, 0))

set_size(rows, cols)
out = b""
mark = 0
deadline_at = time.time() + 120

def fail(message):
    sys.stdout.buffer.write(out)
    sys.stdout.buffer.write(b"\n" + message.encode() + b"\n")
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    sys.exit(message)

class Screen:
    """Just enough of a terminal to know what is on screen: cursor moves, clears, text
    (wide characters take two cells, combining marks none), autowrap and scrolling."""
    def __init__(self, r, c):
        self.r, self.c = r, c
        self.grid = [[" "] * c for _ in range(r)]
        self.y = self.x = 0
        self.pending = False
        self.buf = ""
    def resize(self, r, c):
        grid = [[" "] * c for _ in range(r)]
        for y in range(min(r, self.r)):
            for x in range(min(c, self.c)):
                grid[y][x] = self.grid[y][x]
        self.grid, self.r, self.c = grid, r, c
        self.y, self.x = min(self.y, r - 1), min(self.x, c - 1)
    def newline(self):
        if self.y == self.r - 1:
            self.grid.pop(0)
            self.grid.append([" "] * self.c)
        else:
            self.y += 1
    def put(self, ch):
        if unicodedata.combining(ch) or ch in "\u200d\ufe0f":
            px = max(self.x - 1, 0)
            self.grid[self.y][px] += ch
            return
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if self.pending or self.x + w > self.c:
            self.x = 0
            self.newline()
            self.pending = False
        self.grid[self.y][self.x] = ch
        if w == 2 and self.x + 1 < self.c:
            self.grid[self.y][self.x + 1] = ""
        self.x += w
        if self.x >= self.c:
            self.x = self.c - 1
            self.pending = True
    def csi(self, params, final):
        nums = [int(p) if p.isdigit() else 0 for p in params.lstrip("?").split(";")] if params else []
        first = nums[0] if nums else 0
        self.pending = False
        if final == "H" or final == "f":
            y = (nums[0] if len(nums) > 0 and nums[0] else 1) - 1
            x = (nums[1] if len(nums) > 1 and nums[1] else 1) - 1
            self.y, self.x = min(y, self.r - 1), min(x, self.c - 1)
        elif final == "J":
            if first == 2 or first == 3:
                self.grid = [[" "] * self.c for _ in range(self.r)]
            elif first == 0:
                self.grid[self.y][self.x:] = [" "] * (self.c - self.x)
                for y in range(self.y + 1, self.r):
                    self.grid[y] = [" "] * self.c
        elif final == "K":
            if first == 0:
                self.grid[self.y][self.x:] = [" "] * (self.c - self.x)
            elif first == 2:
                self.grid[self.y] = [" "] * self.c
        elif final == "A":
            self.y = max(self.y - max(first, 1), 0)
        elif final == "B":
            self.y = min(self.y + max(first, 1), self.r - 1)
        elif final == "C":
            self.x = min(self.x + max(first, 1), self.c - 1)
        elif final == "D":
            self.x = max(self.x - max(first, 1), 0)
        elif final == "G":
            self.x = min(max(first, 1) - 1, self.c - 1)
    def feed(self, data):
        self.buf += data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        text, self.buf = self.buf, ""
        i = 0
        while i < len(text):
            ch = text[i]
            if ch == "\x1b":
                m = re.match(r"\x1b\[([0-9;?]*)([@-~])", text[i:])
                if m:
                    self.csi(m.group(1), m.group(2))
                    i += m.end()
                    continue
                m = re.match(r"\x1b\][^\x07\x1b]*(\x07|\x1b\\)", text[i:])
                if m:
                    i += m.end()
                    continue
                if i + 1 >= len(text) or (text[i + 1] in "[]" and not m):
                    self.buf = text[i:]
                    return
                i += 2
                continue
            if ch == "\r":
                self.x, self.pending = 0, False
            elif ch == "\n":
                self.newline()
                self.pending = False
            elif ch == "\b":
                self.x = max(self.x - 1, 0)
            elif ch >= " ":
                self.put(ch)
            i += 1
    def text(self):
        return "\n".join("".join(row).rstrip() for row in self.grid)

screen = Screen(rows, cols)
decoder_carry = b""

def plain(data):
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", data)

def read_more(timeout):
    """Add the terminal's next output to `out` (and the screen); False once it has closed
    or nothing came within `timeout`."""
    global out, decoder_carry
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return False
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        return None
    if not chunk:
        return None
    out += chunk
    data = decoder_carry + chunk
    # Keep an incomplete UTF-8 sequence for the next chunk.
    cut = len(data)
    for back in range(1, min(4, len(data)) + 1):
        b = data[-back]
        if b & 0xC0 == 0x80:
            continue
        need = 2 if b & 0xE0 == 0xC0 else 3 if b & 0xF0 == 0xE0 else 4 if b & 0xF8 == 0xF0 else 1
        if need > back:
            cut = len(data) - back
        break
    screen.feed(data[:cut])
    decoder_carry = data[cut:]
    return True

def read_until(pattern, timeout=20.0):
    end = min(time.time() + timeout, deadline_at)
    while pattern.encode() not in plain(out[mark:]):
        left = end - time.time()
        if left <= 0:
            fail("timed out waiting for %r" % pattern)
        if read_more(left) is None:
            fail("the terminal closed while waiting for %r" % pattern)

def settle():
    """Read until the output has been quiet for a moment: the frame is complete."""
    end = time.time() + 10
    while time.time() < end:
        got = read_more(0.25)
        if got is None or got is False:
            return

screens = []
for step in steps:
    read_until(step["expect"])
    mark = len(out)
    if step.get("screen"):
        settle()
        mark = len(out)
        screens.append(screen.text())
    if step.get("resize"):
        r, c = step["resize"]
        set_size(r, c)
        screen.resize(r, c)
    for key in step["keys"]:
        os.write(fd, key.encode())
        time.sleep(0.02)
end = min(time.time() + 30, deadline_at)
while True:
    if time.time() > end:
        fail("timed out waiting for the program to end")
    if read_more(max(end - time.time(), 0.01)) is None:
        break
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.stdout.buffer.write(b"\n[exit %d]\n" % os.waitstatus_to_exitcode(status))
sys.stdout.buffer.write(b"\n@@SCREENS@@\n" + json.dumps(screens).encode())
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

/// One step of a pty run: wait for `expect`, then (optionally) record the screen, resize
/// the terminal, and send `keys`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Step {
    expect: String,
    keys: Vec<String>,
    screen: bool,
    resize: Option<(u16, u16)>,
}

impl Step {
    /// Wait for `expect`, then send each of `keys` (a key or an escape sequence).
    pub fn keys(expect: &str, keys: &[&str]) -> Step {
        Step {
            expect: expect.to_owned(),
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
            screen: false,
            resize: None,
        }
    }

    /// Wait for `expect`, then type `text` one character at a time.
    pub fn typed(expect: &str, text: &str) -> Step {
        Step {
            keys: text.chars().map(String::from).collect(),
            ..Step::keys(expect, &[])
        }
    }

    /// Record what the screen shows once the text has appeared (before any key).
    pub fn screen(mut self) -> Step {
        self.screen = true;
        self
    }

    /// Resize the terminal to `rows` x `cols` before sending the keys.
    pub fn resize(mut self, rows: u16, cols: u16) -> Step {
        self.resize = Some((rows, cols));
        self
    }
}

/// What a pty run showed: the raw output (escape sequences and all) and the screens
/// recorded at the steps that asked for one.
pub struct Transcript {
    pub out: String,
    pub screens: Vec<String>,
}

/// Runs `script` in a `rows` x `cols` pty in `dir` (its own review database, never a real
/// editor) through `steps`.
pub fn run(dir: &Path, script: &str, (rows, cols): (u16, u16), steps: &[Step]) -> Transcript {
    let steps = serde_json::to_string(steps).unwrap();
    let output = Command::new(python().expect("checked by the caller"))
        .current_dir(dir)
        .args([
            "-c",
            DRIVER,
            script,
            &steps,
            &rows.to_string(),
            &cols.to_string(),
        ])
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
    let (out, screens) = text
        .rsplit_once("\n@@SCREENS@@\n")
        .expect("the driver prints its screens last");
    Transcript {
        out: out.to_owned(),
        screens: serde_json::from_str(screens).unwrap(),
    }
}

/// Runs `script` in a 100x40 pty through `steps`: the text to wait for, then the keys to
/// send; the raw output.
pub fn run_in_pty(dir: &Path, script: &str, steps: &[(&str, Vec<String>)]) -> String {
    let steps: Vec<Step> = steps
        .iter()
        .map(|(expect, keys)| Step {
            keys: keys.clone(),
            ..Step::keys(expect, &[])
        })
        .collect();
    run(dir, script, (40, 100), &steps).out
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
        .filter(|l| {
            l.len() > 20
                && l.split(':').count() > 10
                && l.chars().all(|c| c == ':' || c.is_ascii_hexdigit())
        })
        .map(str::to_owned)
        .collect()
}
