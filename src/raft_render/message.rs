//! A message in one line, with the paper's field names abbreviated.

use crate::raft::Message;

/// `AppendEntries(term 5, prev 8/t4, [9/t5 10/t5], commit 9)`: entries as index/term, more
/// than six as the first and last with the count.
pub fn describe_message(message: &Message) -> String {
    match message {
        Message::RequestVote(m) => format!(
            "RequestVote(term {}, lastLog {}/t{})",
            m.term, m.last_log_index, m.last_log_term
        ),
        Message::RequestVoteResponse(m) => format!(
            "RequestVoteResponse(term {}, {})",
            m.term,
            if m.vote_granted { "granted" } else { "refused" }
        ),
        Message::AppendEntries(m) => {
            let entries = match m.entries.as_slice() {
                [] => String::new(),
                entries if entries.len() <= 6 => entries
                    .iter()
                    .map(|e| format!("{}/t{}", e.index, e.term))
                    .collect::<Vec<_>>()
                    .join(" "),
                [first, .., last] => format!(
                    "{}/t{} … {}/t{} ({} entries)",
                    first.index,
                    first.term,
                    last.index,
                    last.term,
                    m.entries.len()
                ),
                _ => String::new(),
            };
            format!(
                "AppendEntries(term {}, prev {}/t{}, [{entries}], commit {})",
                m.term, m.prev_log_index, m.prev_log_term, m.leader_commit
            )
        }
        Message::AppendEntriesResponse(m) => format!(
            "AppendEntriesResponse(term {}, {}, index {})",
            m.term,
            if m.success { "success" } else { "refused" },
            m.index
        ),
    }
}
