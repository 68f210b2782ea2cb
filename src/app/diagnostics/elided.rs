//! A long report shows a screenful of findings in full and counts the rest by code, so
//! that 10,000 findings do not scroll the one that matters out of sight.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::notes::{Diagnostic, Severity};

/// Which findings to show in full: all when there are at most `limit`, else `limit` of
/// them, errors first, each group in report order.
pub fn in_full(diagnostics: &[Diagnostic], limit: usize) -> Vec<bool> {
    if diagnostics.len() <= limit {
        return vec![true; diagnostics.len()];
    }
    let mut shown = vec![false; diagnostics.len()];
    let mut left = limit;
    for errors_pass in [true, false] {
        for (diagnostic, shown) in diagnostics.iter().zip(shown.iter_mut()) {
            if left == 0 {
                break;
            }
            if !*shown && diagnostic.is_error() == errors_pass {
                *shown = true;
                left -= 1;
            }
        }
    }
    shown
}

/// One kind of finding not shown in full.
struct Kind<'d> {
    severity: Severity,
    code: &'static str,
    count: usize,
    first: &'d Diagnostic,
}

/// After the findings shown in full, the others: how many of each code, where the first
/// is, and `see_all`. Nothing when every finding was shown.
pub fn render(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    in_full: &[bool],
    see_all: &str,
    colour: bool,
) -> io::Result<()> {
    let mut kinds: Vec<Kind<'_>> = Vec::new();
    for diagnostic in diagnostics
        .iter()
        .zip(in_full)
        .filter_map(|(diagnostic, &full)| (!full).then_some(diagnostic))
    {
        let code = diagnostic.code;
        match kinds
            .iter_mut()
            .find(|kind| kind.code == code && kind.severity == diagnostic.severity)
        {
            Some(kind) => kind.count += 1,
            None => kinds.push(Kind {
                severity: diagnostic.severity,
                code,
                count: 1,
                first: diagnostic,
            }),
        }
    }
    if kinds.is_empty() {
        return Ok(());
    }
    // Errors, then warnings, then notes; the most frequent code first within each.
    kinds.sort_by_key(|kind| (kind.severity, std::cmp::Reverse(kind.count)));
    let hidden: usize = kinds.iter().map(|kind| kind.count).sum();
    let count_width = kinds
        .iter()
        .map(|k| k.count.to_string().len())
        .max()
        .unwrap_or(1);
    let code_width = kinds.iter().map(|kind| kind.code.len()).max().unwrap_or(0);
    let paint = |style: Style| if colour { style } else { Style::new() };
    let bold = paint(Style::new().bold());
    writeln!(out)?;
    writeln!(out, "{bold}{hidden} more not shown in full:{bold:#}")?;
    for kind in &kinds {
        let style = paint(match kind.severity {
            Severity::Error => Style::new().fg_color(Some(AnsiColor::Red.into())),
            Severity::Warning => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Severity::Note => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
        });
        let severity = kind.severity.to_string();
        let place = &kind.first.location;
        let first = if place.line == 0 {
            place.file.display().to_string()
        } else {
            place.to_string()
        };
        writeln!(
            out,
            "  {:>count_width$} {style}{severity:<7}{style:#} {:<code_width$}  first at {first}",
            kind.count, kind.code,
        )?;
    }
    writeln!(out, "{see_all}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Location;

    fn finding(severity: Severity, code: &'static str, line: u32) -> Diagnostic {
        let location = Location {
            file: "f.md".into(),
            line,
            col: 1,
        };
        match severity {
            Severity::Error => Diagnostic::error(code, location, "e"),
            Severity::Warning => Diagnostic::warning(code, location, "w"),
            Severity::Note => Diagnostic::note(code, location, "n"),
        }
    }

    #[test]
    fn errors_are_shown_in_full_before_warnings() {
        let findings: Vec<Diagnostic> = (1..=6)
            .map(|line| {
                let severity = if line % 3 == 0 {
                    Severity::Error
                } else {
                    Severity::Warning
                };
                finding(severity, "x", line)
            })
            .collect();
        // Errors at lines 3 and 6, then the first warning.
        assert_eq!(
            in_full(&findings, 3),
            [true, false, true, false, false, true]
        );
        assert_eq!(in_full(&findings, 6), [true; 6]);
        assert_eq!(in_full(&findings, 0), [false; 6]);
    }

    #[test]
    fn the_rest_is_counted_by_code_with_its_first_place() {
        let findings = [
            finding(Severity::Warning, "outside-card", 1),
            finding(Severity::Error, "malformed-tags", 2),
            finding(Severity::Error, "malformed-tags", 3),
            finding(Severity::Error, "empty-front", 4),
            finding(Severity::Error, "malformed-tags", 5),
            finding(Severity::Warning, "outside-card", 6),
        ];
        let mut out = Vec::new();
        let shown = [false, true, false, false, false, false];
        render(&mut out, &findings, &shown, "see them all: --all", false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\n5 more not shown in full:\n  \
             2 error   malformed-tags  first at f.md:3:1\n  \
             1 error   empty-front     first at f.md:4:1\n  \
             2 warning outside-card    first at f.md:1:1\n\
             see them all: --all\n"
        );
        let mut out = Vec::new();
        render(&mut out, &findings, &[true; 6], "unused", false).unwrap();
        assert!(out.is_empty());
    }
}
