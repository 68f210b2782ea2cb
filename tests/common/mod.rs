//! What the command-line tests of `check` share.

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
