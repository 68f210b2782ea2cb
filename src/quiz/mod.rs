//! Review sessions: a pure state machine and its terminal front ends.
