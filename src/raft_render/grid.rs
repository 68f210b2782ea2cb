//! The log grid: a row per node with its role and term, its log as the terms of its entries
//! (coloured by term, committed ones bracketed and bold) under a header of indexes, then
//! its commitIndex and a leader's nextIndex and matchIndex per follower.
//!
//! ```text
//!                   1  2  3
//!  1 leader    t3 [1][1] 3   commit 2  nextIndex 2:3 3:4  matchIndex 2:2 3:3
//!  2 follower  t3 [1][1]     commit 2
//! ```

use super::columns;
use super::style::{committed, dim, role_style, term_style};
use crate::raft::{NodeId, NodeView};
use crate::spans::{Line, Span};

/// Width of the ` 1 candidate t5` label.
const LABEL: usize = 16;

/// How many entries a grid shows and what follows each log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub columns: Columns,
    pub details: Details,
}

/// How many log entries a row shows; longer logs show their end after a `…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    /// At most this many.
    Entries(usize),
    /// As many as fit in this many display columns beside the label and about 24 columns
    /// of details: 6 to 40.
    Width(usize),
}

/// What follows a node's log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Details {
    /// commitIndex and a live leader's nextIndex and matchIndex: the progress a run
    /// makes (`mdcards sim`).
    Progress,
    /// Also votedFor and a fixed election timer, dimmed so the log stands out: everything
    /// a question about the cluster may turn on (the quiz).
    Question,
}

/// The grid of `nodes`, a header line of indexes first (none when every log is empty).
pub fn log_grid(nodes: &[NodeView], layout: Layout) -> Vec<Line> {
    let longest = nodes.iter().map(|n| n.log.len()).max().unwrap_or(0);
    let widest_term = nodes
        .iter()
        .flat_map(|n| n.log.iter().copied())
        .max()
        .unwrap_or(0);
    let cell = widest_term.to_string().len().max(longest.to_string().len()) + 2;
    let shown = match layout.columns {
        Columns::Entries(entries) => entries.max(1),
        Columns::Width(width) => (width.saturating_sub(LABEL + 24) / cell).clamp(6, 40),
    };
    let grid = Grid {
        first: longest.saturating_sub(shown) + 1,
        longest,
        cell,
    };
    let mut lines = Vec::with_capacity(nodes.len() + 1);
    if longest > 0 {
        lines.push(grid.header());
    }
    lines.extend(nodes.iter().map(|node| grid.row(node, layout.details)));
    lines
}

/// The entries shown (`first..=longest`) and the width of each.
struct Grid {
    first: usize,
    longest: usize,
    cell: usize,
}

impl Grid {
    fn header(&self) -> Line {
        let cell = self.cell;
        let mut header = " ".repeat(LABEL);
        if self.first > 1 {
            header.push('…');
        }
        for index in self.first..=self.longest {
            header.push_str(&format!("{index:^cell$}"));
        }
        vec![Span::new(header.trim_end(), dim())]
    }

    fn row(&self, node: &NodeView, details: Details) -> Line {
        let role = if node.crashed {
            "crashed"
        } else {
            node.role.name()
        };
        let label = format!("{:>2} {:<9} t{}", node.id, role, node.term);
        let padding = LABEL.saturating_sub(columns(&label));
        let mut row = vec![
            Span::new(label, role_style(node.role, node.crashed)),
            Span::plain(" ".repeat(padding)),
        ];
        if self.first > 1 {
            row.push(Span::plain(" "));
        }
        let cell = self.cell;
        for (index, &term) in node.log.iter().enumerate().skip(self.first - 1) {
            let span = if index < node.commit_index as usize {
                Span::new(format!("{:^cell$}", format!("[{term}]")), committed(term))
            } else {
                Span::new(format!("{:^cell$}", format!(" {term} ")), term_style(term))
            };
            row.push(span);
        }
        let missing = self.longest - node.log.len().max(self.first - 1);
        row.push(Span::plain(" ".repeat(missing * cell)));
        match details {
            Details::Progress => row.push(progress(node)),
            Details::Question => row.push(Span::new(
                format!(" {}", question_details(node).join("  ")),
                dim(),
            )),
        }
        row
    }
}

/// `  commit 2  nextIndex 2:3 3:4  matchIndex 2:2 3:3`; a crashed leader's indexes are
/// gone with it.
fn progress(node: &NodeView) -> Span {
    let mut text = format!("  commit {}", node.commit_index);
    if let (Some(next), Some(matched), false) = (&node.next_index, &node.match_index, node.crashed)
    {
        text.push_str(&format!(
            "  nextIndex {}  matchIndex {}",
            pairs(next),
            pairs(matched)
        ));
    }
    // A one-node cluster's leader has no followers to list.
    Span::plain(text.trim_end())
}

/// `commit 2`, `voted 1`, `timer 3/12 (fires in 9)`, `nextIndex 2:3`, `matchIndex 2:2`.
fn question_details(node: &NodeView) -> Vec<String> {
    let mut details = vec![format!("commit {}", node.commit_index)];
    if let Some(voted) = node.voted_for {
        details.push(format!("voted {voted}"));
    }
    if let Some(timer) = node.timer {
        details.push(format!(
            "timer {}/{} (fires in {})",
            timer.elapsed,
            timer.timeout,
            timer.timeout.saturating_sub(timer.elapsed)
        ));
    }
    if let Some(next) = &node.next_index {
        details.push(format!("nextIndex {}", pairs(next)));
    }
    if let Some(matched) = &node.match_index {
        details.push(format!("matchIndex {}", pairs(matched)));
    }
    details
}

/// `2:7 3:5`: a value per follower.
pub(super) fn pairs(values: &[(NodeId, u64)]) -> String {
    values
        .iter()
        .map(|(node, value)| format!("{node}:{value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raft::Role;
    use crate::spans::line_text;

    const RUN: Layout = Layout {
        columns: Columns::Entries(20),
        details: Details::Progress,
    };

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(line_text).collect()
    }

    /// Figure 7's leader for term 8 and follower (f), written out by hand: 10 and 11
    /// entries, the leader's first 9 committed.
    fn figure_7() -> Vec<NodeView> {
        let mut leader = NodeView::sample(1, Role::Leader, 8, &[1, 1, 1, 4, 4, 5, 5, 6, 6, 6], 9);
        leader.next_index = Some(vec![(2, 11)]);
        leader.match_index = Some(vec![(2, 0)]);
        let follower =
            NodeView::sample(2, Role::Follower, 3, &[1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 0);
        vec![leader, follower]
    }

    #[test]
    fn a_run_grid_shows_every_entry_and_the_leader_s_progress() {
        // Cells are as wide as "11" plus a space on each side: 4 columns.
        assert_eq!(
            text(&log_grid(&figure_7(), RUN)),
            [
                "                 1   2   3   4   5   6   7   8   9   10  11",
                " 1 leader    t8 [1] [1] [1] [4] [4] [5] [5] [6] [6]  6        commit 9  nextIndex 2:11  matchIndex 2:0",
                " 2 follower  t3  1   1   1   2   2   2   3   3   3   3   3    commit 0",
            ]
        );
    }

    #[test]
    fn a_long_log_shows_its_last_entries_after_an_ellipsis() {
        let layout = Layout {
            columns: Columns::Entries(3),
            details: Details::Progress,
        };
        assert_eq!(
            text(&log_grid(&figure_7(), layout)),
            [
                "                … 9   10  11",
                " 1 leader    t8  [6]  6        commit 9  nextIndex 2:11  matchIndex 2:0",
                " 2 follower  t3   3   3   3    commit 0",
            ]
        );
    }

    #[test]
    fn a_crashed_leader_shows_no_progress_and_empty_logs_no_header() {
        let mut down = NodeView::sample(1, Role::Leader, 2, &[], 0);
        down.crashed = true;
        down.next_index = Some(vec![(2, 1)]);
        down.match_index = Some(vec![(2, 0)]);
        let lone = NodeView::sample(2, Role::Follower, 2, &[], 0);
        assert_eq!(
            text(&log_grid(&[down, lone], RUN)),
            [" 1 crashed   t2   commit 0", " 2 follower  t2   commit 0"]
        );
    }

    #[test]
    fn committed_entries_are_bold_in_their_term_s_colour() {
        let lines = log_grid(&figure_7(), RUN);
        let leader = &lines[1];
        let cell = |text: &str| leader.iter().find(|s| s.text.trim() == text).unwrap();
        assert_eq!(cell("[4]").style, committed(4));
        assert_eq!(cell("6").style, term_style(6));
        assert_ne!(term_style(4), term_style(5), "neighbouring terms differ");
        assert_eq!(leader[0].style, role_style(Role::Leader, false));
    }
}
