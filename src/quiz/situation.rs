//! A scenario's cluster state for the terminal: a log grid per node coloured by term (the
//! simulator's colours, so `mdcards sim` and the quiz agree), committed entries in
//! brackets, role, term, votedFor, commitIndex, a leader's nextIndex/matchIndex, election
//! timers, the partition, and the message about to arrive.

use anstyle::Effects;

use super::styled::{Line, Span, palette};
use crate::raft::timeline::{describe_message, term_style};
use crate::scenario::{NodeView, Situation};

/// Width of the `" 1 candidate t5"` label column.
const LABEL: usize = 16;

/// The grid and the lines under it, fitted to `width` columns (long logs show their end).
pub fn situation_lines(situation: &Situation, width: usize) -> Vec<Line> {
    let mut lines = grid(&situation.nodes, width);
    if situation.partition.len() > 1 {
        let groups: Vec<String> = situation
            .partition
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        lines.push(vec![
            Span::new("partition  ", palette::DIM),
            Span::plain(groups.join(" | ")),
        ]);
    }
    if !situation.options.is_empty() {
        lines.push(vec![
            Span::new("options    ", palette::DIM),
            Span::plain(situation.options.join(", ")),
        ]);
    }
    if let Some((from, to, message)) = &situation.message {
        lines.push(vec![
            Span::new("arriving   ", palette::DIM),
            Span::new(format!("{from} → {to}  "), palette::BOLD),
            Span::plain(describe_message(message)),
        ]);
        lines.push(vec![
            Span::plain(" ".repeat(11)),
            Span::new(message.to_json(), palette::CODE),
        ]);
    }
    lines
}

fn grid(nodes: &[NodeView], width: usize) -> Vec<Line> {
    let longest = nodes.iter().map(|n| n.log.len()).max().unwrap_or(0);
    let widest_term = nodes
        .iter()
        .flat_map(|n| n.log.iter().copied())
        .max()
        .unwrap_or(0);
    let cell = widest_term.to_string().len().max(longest.to_string().len()) + 2;
    // Room for the label and about 24 columns of notes after the log.
    let fits = (width.saturating_sub(LABEL + 24) / cell).clamp(6, 40);
    let first = longest.saturating_sub(fits) + 1;
    let mut lines = Vec::new();
    if longest > 0 {
        let mut header = format!("{:LABEL$}", "");
        if first > 1 {
            header.push('…');
        }
        for index in first..=longest {
            header.push_str(&format!("{index:^cell$}"));
        }
        lines.push(vec![Span::new(header.trim_end().to_owned(), palette::DIM)]);
    }
    for node in nodes {
        lines.push(node_row(node, first, longest, cell));
    }
    lines
}

fn node_row(node: &NodeView, first: usize, longest: usize, cell: usize) -> Line {
    let role = if node.crashed {
        "crashed"
    } else {
        node.role.name()
    };
    let label = format!("{:>2} {:<9} t{}", node.id, role, node.term);
    let label_style = if node.crashed {
        palette::DIM
    } else {
        match node.role {
            crate::raft::Role::Leader => palette::BOLD,
            crate::raft::Role::Candidate => anstyle::Style::new().effects(Effects::UNDERLINE),
            crate::raft::Role::Follower => anstyle::Style::new(),
        }
    };
    let mut row = vec![
        Span::new(label.clone(), label_style),
        Span::plain(" ".repeat(LABEL.saturating_sub(label.chars().count()))),
    ];
    if first > 1 {
        row.push(Span::plain(" "));
    }
    for index in first..=node.log.len() {
        let term = node.log[index - 1];
        let committed = index as u64 <= node.commit_index;
        let text = if committed {
            format!("[{term}]")
        } else {
            format!(" {term} ")
        };
        let style = if committed {
            term_style(term).effects(Effects::BOLD)
        } else {
            term_style(term)
        };
        row.push(Span::new(format!("{text:^cell$}"), style));
    }
    let missing = longest - node.log.len().max(first - 1);
    row.push(Span::plain(" ".repeat(missing * cell)));
    let mut notes = vec![format!("commit {}", node.commit_index)];
    if let Some(voted) = node.voted_for {
        notes.push(format!("voted {voted}"));
    }
    if let Some(timer) = node.timer {
        notes.push(format!(
            "timer {}/{} (fires in {})",
            timer.elapsed,
            timer.timeout,
            timer.timeout.saturating_sub(timer.elapsed)
        ));
    }
    if let Some(next) = &node.next_index {
        notes.push(format!("nextIndex {}", pairs(next)));
    }
    if let Some(matched) = &node.match_index {
        notes.push(format!("matchIndex {}", pairs(matched)));
    }
    row.push(Span::new(format!(" {}", notes.join("  ")), palette::DIM));
    row
}

/// `2:7 3:5`: per follower.
fn pairs(values: &[(crate::raft::NodeId, u64)]) -> String {
    values
        .iter()
        .map(|(node, value)| format!("{node}:{value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::styled::line_text;
    use crate::raft::Role;

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
