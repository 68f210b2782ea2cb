//! `--help` (leads with examples), `completions` and `man`, all from the clap definitions.

use assert_cmd::Command;
use predicates::str::contains;

fn mdcards() -> Command {
    let mut command = Command::cargo_bin("mdcards").expect("the binary builds");
    command.env("COLUMNS", "100").env_remove("MDCARDS_DB");
    command
}

fn stdout_of(args: &[&str]) -> String {
    let output = mdcards().args(args).assert().success().get_output().clone();
    String::from_utf8(output.stdout).expect("UTF-8")
}

#[test]
fn help_leads_with_examples() {
    let help = stdout_of(&["--help"]);
    assert!(help.starts_with("Examples:"), "{help}");
    insta::assert_snapshot!("help", help);
}

#[test]
fn list_and_check_help() {
    insta::assert_snapshot!("list_help", stdout_of(&["list", "--help"]));
    insta::assert_snapshot!("check_help", stdout_of(&["check", "--help"]));
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = stdout_of(&["completions", shell]);
        for word in ["mdcards", "check", "list", "export"] {
            assert!(script.contains(word), "{shell}: {word} missing");
        }
    }
    mdcards()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(contains("invalid value"));
}

#[test]
fn man_page_is_roff_with_every_command() {
    let page = stdout_of(&["man"]);
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "{}",
        &page[..80.min(page.len())]
    );
    assert!(page.contains(".TH mdcards 1"));
    for command in ["quiz", "export", "check", "list", "sync", "stats", "sim"] {
        assert!(page.contains(command), "{command} missing");
    }
}
