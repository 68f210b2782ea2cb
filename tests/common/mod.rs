//! What the command-line tests share: the binary run from the repository, and a scratch
//! place (a temporary folder with its own review database and a fixed clock).

#![allow(dead_code)] // each test binary uses its own part of it

use std::fs;
use std::path::PathBuf;

use assert_cmd::Command;

/// The binary, run from the repository root (fixture paths are relative to it), with colour
/// left to each test's flags.
pub fn mdcards() -> Command {
    let mut command = Command::cargo_bin("mdcards").expect("the binary builds");
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    command
}

/// Runs `command`, asserts its exit code, and returns its stdout.
pub fn stdout(command: &mut Command, code: i32) -> String {
    let output = command.assert().code(code).get_output().clone();
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The clock every scratch-place command runs at unless told otherwise.
pub const NOW: &str = "2026-03-10T10:00:00Z";

/// A temporary folder for notes, with its own review database: commands run in it at a fixed
/// time (`MDCARDS_NOW`), in UTC, without colour or an editor.
pub struct Place {
    dir: tempfile::TempDir,
}

impl Place {
    pub fn new() -> Place {
        Place {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn db(&self) -> PathBuf {
        self.path("reviews.sqlite3")
    }

    /// Write a file (and the folders above it); returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.path(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    /// The binary, run in this place at `NOW`.
    pub fn mdcards(&self) -> Command {
        self.mdcards_at(NOW)
    }

    /// The binary, run in this place at `now`.
    pub fn mdcards_at(&self, now: &str) -> Command {
        let mut command = Command::cargo_bin("mdcards").unwrap();
        command
            .current_dir(self.dir.path())
            .env("MDCARDS_DB", self.db())
            .env("MDCARDS_NOW", now)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR");
        command
    }
}
