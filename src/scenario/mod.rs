//! Raft scenario scripts, question generators, and the judge that runs them on `raft`.

pub mod script;
