//! The Raft simulator: pure and deterministic, driven by messages and ticks.
