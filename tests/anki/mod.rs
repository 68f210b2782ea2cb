//! The official Anki library, driven through `tests/anki/anki_check.py`.
//!
//! The first test that needs it creates a venv with `anki==26.9.3` under cargo's target
//! tmp dir (kept across runs; a lock file serialises concurrent test binaries). Without
//! python3 or the package the tests skip loudly, except under `CI=true`, where they fail.

#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

pub const ANKI_VERSION: &str = "26.9.3";

fn venv_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("anki-venv-{ANKI_VERSION}"))
}

fn setup() -> Result<PathBuf, String> {
    let dir = venv_dir();
    let python = dir.join("bin").join("python");
    let ready = dir.join("mdcards-ready");
    std::fs::create_dir_all(env!("CARGO_TARGET_TMPDIR")).map_err(|e| e.to_string())?;
    let lock = File::create(dir.with_extension("lock")).map_err(|e| e.to_string())?;
    lock.lock()
        .map_err(|e| format!("cannot lock the venv: {e}"))?;
    if ready.exists() {
        return Ok(python);
    }
    let run = |command: &mut Command, what: &str| -> Result<(), String> {
        let output = command
            .output()
            .map_err(|e| format!("{what}: cannot run: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{what} failed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ))
        }
    };
    let _ = std::fs::remove_dir_all(&dir);
    run(
        Command::new("python3").args(["-m", "venv"]).arg(&dir),
        "python3 -m venv",
    )?;
    run(
        Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("anki=={ANKI_VERSION}"),
        ]),
        "pip install anki",
    )?;
    std::fs::write(&ready, ANKI_VERSION).map_err(|e| e.to_string())?;
    Ok(python)
}

/// The venv's python, or `None` after printing why the Anki tests are skipped.
/// Panics under `CI=true`, where a missing prerequisite must fail the run.
pub fn python() -> Option<PathBuf> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(setup) {
        Ok(python) => Some(python.clone()),
        Err(why) => {
            if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                panic!("CI=true and the official Anki library is unavailable: {why}");
            }
            eprintln!(
                "\n!!!!!!!!!! SKIPPED: Anki import test: the official `anki=={ANKI_VERSION}` \
                 package is unavailable ({why}). Set CI=true to make this a failure. !!!!!!!!!!\n"
            );
            None
        }
    }
}

/// Run the helper: `import`, `review` or `state` on a collection file.
pub fn anki(python: &Path, args: &[&str]) -> Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/anki/anki_check.py");
    let output = Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .expect("run anki_check.py");
    assert!(
        output.status.success(),
        "anki_check.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "anki_check.py printed no JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

/// Import a package into the collection at `collection` (created when missing).
pub fn import(python: &Path, collection: &Path, package: &Path) -> Value {
    anki(
        python,
        &[
            "import",
            collection.to_str().unwrap(),
            package.to_str().unwrap(),
        ],
    )
}

/// The note with this guid in a state dump.
pub fn note<'a>(state: &'a Value, guid: &str) -> &'a Value {
    state["notes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|note| note["guid"] == guid)
        .unwrap_or_else(|| panic!("no note {guid} in {state:#}"))
}

/// An import that added or updated notes without any complaint from Anki: no duplicate,
/// conflicting or unmatched notes, no missing note type or deck, and a collection that
/// passes Anki's integrity check.
pub fn assert_clean(result: &Value) {
    let log = &result["log"];
    for kind in [
        "duplicate",
        "conflicting",
        "missing_notetype",
        "missing_deck",
        "first_field_match",
        "empty_first_field",
    ] {
        assert_eq!(log[kind], 0, "{kind}: {log:#}");
    }
    assert_eq!(
        result["state"]["integrity_problems"],
        Value::Array(vec![]),
        "{:#}",
        result["state"]
    );
}
