//! A scenario question's cluster: the log grid with everything a question may turn on, then
//! the partition, the protocol options that differ from the defaults, and the message about
//! to arrive (one line, then its JSON).

use super::grid::{Columns, Details, Layout, log_grid};
use super::message::describe_message;
use super::style::{bold, code, dim};
use super::timeline::describe_groups;
use crate::scenario::Situation;
use crate::spans::{Line, Span};

/// The situation fitted to `width` display columns (long logs show their end).
pub fn situation_lines(situation: &Situation, width: usize) -> Vec<Line> {
    let layout = Layout {
        columns: Columns::Width(width),
        details: Details::Question,
    };
    let mut lines = log_grid(&situation.nodes, layout);
    if situation.partition.len() > 1 {
        lines.push(vec![
            Span::new("partition  ", dim()),
            Span::plain(describe_groups(&situation.partition)),
        ]);
    }
    if !situation.options.is_empty() {
        lines.push(vec![
            Span::new("options    ", dim()),
            Span::plain(situation.options.join(", ")),
        ]);
    }
    if let Some((from, to, message)) = &situation.message {
        lines.push(vec![
            Span::new("arriving   ", dim()),
            Span::new(format!("{from} → {to}  "), bold()),
            Span::plain(describe_message(message)),
        ]);
        lines.push(vec![
            Span::plain(" ".repeat(11)),
            Span::new(message.to_json(), code()),
        ]);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::{NodeView, Role};
    use crate::spans::line_text;

    #[test]
    fn the_grid_shows_logs_commitment_votes_and_the_message() {
        let situation = Situation::sample("x", "conflict-hint on");
        let text: Vec<String> = situation_lines(&situation, 100)
            .iter()
            .map(line_text)
            .collect();
        assert_eq!(text[0], "                 1  2  3");
        assert_eq!(
            text[1],
            " 1 leader    t3 [1][1] 3  commit 2  nextIndex 2:3 3:4  matchIndex 2:2 3:3"
        );
        assert_eq!(
            text[2],
            " 2 follower  t3 [1][1]    commit 2  voted 1  timer 3/12 (fires in 9)"
        );
        assert_eq!(text[3], " 3 crashed   t2  1  1  3  commit 0");
        assert_eq!(text[4], "partition  1 2 | 3");
        assert_eq!(text[5], "options    conflict-hint on");
        assert!(
            text[6].starts_with("arriving   1 → 2  AppendEntries(term 3, prev 2/t1"),
            "{}",
            text[6]
        );
        assert!(text[7].contains("\"leaderId\":1"), "{}", text[7]);
    }

    #[test]
    fn long_logs_show_their_end() {
        let log: Vec<u64> = (1..=60).collect();
        let situation = Situation {
            nodes: vec![NodeView::sample(1, Role::Follower, 60, &log, 0)],
            message: None,
            partition: vec![],
            options: vec![],
        };
        let lines = situation_lines(&situation, 80);
        let header = line_text(&lines[0]);
        assert!(
            header.contains('…') && header.trim_end().ends_with("60"),
            "{header}"
        );
        assert!(line_text(&lines[1]).chars().count() <= 80 + 20);
    }
}
