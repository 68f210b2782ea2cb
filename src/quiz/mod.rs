//! Review sessions: a pure state machine and its terminal front ends.

pub mod days;
pub mod highlight;
pub mod render;
pub mod styled;
