//! mdcards: flashcards from markdown notes.
//!
//! Pure cores (`notes`, `srs`, `raft`, `scenario`, `highlight`) take time and seeds as arguments;
//! `app` is the one place that touches files, the clock, the terminal and the database.

pub mod app;
pub mod cli;
pub mod deck;
pub mod export;
pub mod highlight;
pub mod notes;
pub mod quiz;
pub mod raft;
pub mod raft_render;
pub mod rng;
pub mod scenario;
pub mod select;
pub mod spans;
pub mod srs;
pub mod store;
