//! Question generators: from a seed, a state reached by running the simulator ([`history`]),
//! one question about it, and the answer the simulator gives when the question's event is
//! run on that state ([`draft`]). Pure and deterministic: the same kind and seed give the
//! same question, on every machine, forever (seeds are stored in review histories and
//! exported notes).

pub mod append;
pub mod commit;
pub mod draft;
pub mod election;
pub mod history;
pub mod partition;
pub mod repair;
pub mod step_down;
pub mod vote;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::question::Question;
use crate::rng::SplitMix64;

/// The kinds of generated question. Names are stable: notes write them (`generate
/// vote-decision`) and stored seeds refer to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GeneratorKind {
    /// Does a node grant its vote to a candidate's RequestVote? (§5.2, §5.4.1)
    VoteDecision,
    /// Role and term after a message of an older, the same or a newer term (§5.1, §5.2).
    TermStepDown,
    /// A follower's handling of an AppendEntries: accepted?, its log, its commitIndex (§5.3).
    AppendEntriesReceiver,
    /// The leader's commitIndex after a follower's acknowledgement (§5.3, §5.4.2, Figure 8).
    LeaderCommitIndex,
    /// A Figure 7 follower repaired by nextIndex back-off: refusals, final log (§5.3).
    LogRepair,
    /// Who wins the election after a leader crash, and when, given the timers (§5.2, §5.4.1).
    ElectionWinner,
    /// What survives when a partition heals: logs, leader, term (§5.1, §5.3, §5.4).
    PartitionSurvivor,
}

impl GeneratorKind {
    pub const ALL: [GeneratorKind; 7] = [
        GeneratorKind::VoteDecision,
        GeneratorKind::TermStepDown,
        GeneratorKind::AppendEntriesReceiver,
        GeneratorKind::LeaderCommitIndex,
        GeneratorKind::LogRepair,
        GeneratorKind::ElectionWinner,
        GeneratorKind::PartitionSurvivor,
    ];

    /// The stable name notes use: `vote-decision`.
    pub fn name(self) -> &'static str {
        match self {
            GeneratorKind::VoteDecision => "vote-decision",
            GeneratorKind::TermStepDown => "step-down",
            GeneratorKind::AppendEntriesReceiver => "append-entries",
            GeneratorKind::LeaderCommitIndex => "leader-commit",
            GeneratorKind::LogRepair => "log-repair",
            GeneratorKind::ElectionWinner => "election-winner",
            GeneratorKind::PartitionSurvivor => "healed-partition",
        }
    }

    /// What the questions are about, for lists and card fronts.
    pub fn title(self) -> &'static str {
        match self {
            GeneratorKind::VoteDecision => "Does the node grant its vote?",
            GeneratorKind::TermStepDown => "Role and term after a message",
            GeneratorKind::AppendEntriesReceiver => "What does the follower do with it?",
            GeneratorKind::LeaderCommitIndex => "What does the leader commit?",
            GeneratorKind::LogRepair => "How does the leader repair this log?",
            GeneratorKind::ElectionWinner => "Who wins the election, and when?",
            GeneratorKind::PartitionSurvivor => "What survives the healed partition?",
        }
    }
}

impl fmt::Display for GeneratorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not a generator's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown generator `{0}`")]
pub struct UnknownGenerator(pub String);

impl FromStr for GeneratorKind {
    type Err = UnknownGenerator;

    fn from_str(s: &str) -> Result<GeneratorKind, UnknownGenerator> {
        GeneratorKind::ALL
            .into_iter()
            .find(|kind| kind.name() == s.trim())
            .ok_or_else(|| UnknownGenerator(s.to_owned()))
    }
}

/// Constructions that miss what they aim at are retried with the next attempt's draws;
/// the tests show a few attempts always suffice.
const ATTEMPTS: u32 = 64;

/// The question of generator `kind` for `seed`. Pure and deterministic.
pub fn generate(kind: GeneratorKind, seed: u64) -> Question {
    let mut last_failure = String::new();
    for attempt in 0..ATTEMPTS {
        let mut rng = SplitMix64::derive(seed, &format!("{}/{attempt}", kind.name()));
        let outcome = match kind {
            GeneratorKind::VoteDecision => {
                vote::draft(seed, &mut rng).map(|draft| draft.finish(kind, seed))
            }
            GeneratorKind::TermStepDown => step_down::question(seed, &mut rng),
            GeneratorKind::AppendEntriesReceiver => append::question(seed, &mut rng),
            GeneratorKind::LeaderCommitIndex => commit::question(seed, &mut rng),
            GeneratorKind::LogRepair => repair::question(seed, &mut rng),
            GeneratorKind::ElectionWinner => election::question(seed, &mut rng),
            GeneratorKind::PartitionSurvivor => partition::question(seed, &mut rng),
        };
        match outcome {
            Some(Ok(question)) => return question,
            Some(Err(failure)) => last_failure = failure,
            None => {}
        }
    }
    // Every generator is exercised over thousands of seeds in the tests; reaching this is
    // a bug in a generator, reported with what went wrong.
    panic!("{kind} found no question for seed {seed} in {ATTEMPTS} attempts: {last_failure}");
}
