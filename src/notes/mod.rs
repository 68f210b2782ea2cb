//! Markdown notes -> cards. Pure: callers read the files and pass their bytes in.

pub mod markdown;
