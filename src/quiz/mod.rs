//! Review sessions: a pure state machine (`session`) and the loop (`driver`) that runs it
//! behind a full-screen terminal front end or a line-based one.

pub mod cardview;
pub mod cloze;
pub mod days;
pub mod driver;
pub mod editor;
pub mod highlight;
pub mod line_editor;
pub mod plain;
pub mod render;
pub mod scenario;
pub mod scenario_view;
pub mod schedule;
pub mod screen;
pub mod session;
pub mod styled;
pub mod summary;
pub mod terminal;

pub use driver::{Driver, Ending, Frontend, Input, Refreshed, ScenarioTally, Typed};
pub use session::{Day, Limits, Mode, Session};
pub use summary::Summary;
