//! Raft scenarios: scripts run on the simulator ([`script`]), questions about them
//! ([`question`]) from `ask` lines ([`card`]) or from generators ([`generate`]), typed
//! answers graded exactly ([`answer`]).
//!
//! Everything here is pure: no clock, files, threads or global randomness; seeds are
//! arguments.

pub mod answer;
pub mod card;
pub mod generate;
pub mod messages;
pub mod question;
pub mod script;
pub mod validate;

pub use answer::{Answer, AnswerKind, AnswerParseError};
pub use card::{ScenarioCard, scenario_card};
pub use generate::{GeneratorKind, UnknownGenerator, generate};
pub use question::{Origin, Question, Situation, Verdict, grade, instance_seed};
pub use validate::validate;
