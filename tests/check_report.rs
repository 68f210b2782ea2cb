//! Long reports: a screenful of findings in full, errors first, the rest counted by code,
//! and the way to see every one (`check --all`, `--json`).

mod common;

use common::Place;

/// `cards` cards: every third one's tags line has a tag without its `()` (an error), each
/// of the others an `[latex]` left open (a warning).
fn notes(cards: usize) -> String {
    let mut text = String::from("# Long\n\n");
    for i in 0..cards {
        if i % 3 == 0 {
            text.push_str(&format!(
                "## Question {i}?\n[#todo{i}] [#raft]()\n\nAnswer.\n\n"
            ));
        } else {
            text.push_str(&format!("## Question {i}?\n\nAnswer [latex]x^{i}.\n\n"));
        }
    }
    text
}

fn output(command: &mut assert_cmd::Command, code: i32) -> (String, String) {
    let output = command.assert().code(code).get_output().clone();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn check_shows_a_screenful_errors_first_and_counts_the_rest() {
    let place = Place::new();
    place.write("long.md", &notes(30));
    let (out, _) = output(place.mdcards().args(["check", "long.md"]), 1);
    // Ten in full: the ten errors (cards 0, 3, ..., 27), none of the twenty warnings.
    assert_eq!(out.matches("× malformed tags line").count(), 10, "{out}");
    assert_eq!(out.matches("⚠ ").count(), 0, "{out}");
    assert!(out.contains("long.md:4:1"), "{out}");
    assert!(
        out.ends_with(
            "\n20 more not shown in full:\n  \
             20 warning unclosed-latex  first at long.md:10:8\n\
             show every one with `mdcards check --all`, or list them as data with `mdcards check --json`\n\
             10 errors, 20 warnings in 1 file\n"
        ),
        "{out}"
    );

    let (all, _) = output(place.mdcards().args(["check", "long.md", "--all"]), 1);
    assert_eq!(all.matches("× malformed tags line").count(), 10);
    assert_eq!(all.matches("⚠ `[latex]` without `[/latex]`").count(), 20);
    assert!(!all.contains("not shown in full"), "{all}");
    assert!(all.ends_with("10 errors, 20 warnings in 1 file\n"), "{all}");

    let (json, _) = output(place.mdcards().args(["check", "long.md", "--json"]), 1);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["diagnostics"].as_array().unwrap().len(), 30);
}

#[test]
fn a_short_report_is_shown_whole() {
    let place = Place::new();
    place.write("short.md", &notes(10));
    let (out, _) = output(place.mdcards().args(["check", "short.md"]), 1);
    assert_eq!(out.matches("× malformed tags line").count(), 4);
    assert_eq!(out.matches("⚠ `[latex]` without `[/latex]`").count(), 6);
    assert!(!out.contains("not shown in full"), "{out}");
}

/// The commands that go on after warnings show a screenful too, and say where to see all.
#[test]
fn export_shows_a_screenful_of_warnings_and_goes_on() {
    let place = Place::new();
    let mut text = String::from("# Long\n\n");
    for i in 0..25 {
        text.push_str(&format!("## Question {i}?\n\nAnswer [latex]x^{i}.\n\n"));
    }
    place.write("warned.md", &text);
    let (_, err) = output(
        place.mdcards().args(["export", "warned.md", "warned.apkg"]),
        0,
    );
    assert_eq!(
        err.matches("⚠ `[latex]` without `[/latex]`").count(),
        10,
        "{err}"
    );
    assert!(
        err.contains(
            "15 more not shown in full:\n  \
             15 warning unclosed-latex  first at warned.md:45:8\n\
             `mdcards check --all` on the same notes shows every one\n\
             0 errors, 25 warnings in 1 file\n"
        ),
        "{err}"
    );
    assert!(err.contains("Exported 25 cards"), "{err}");
}
