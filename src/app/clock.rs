//! The clock, read once per command at the edge.

use miette::{IntoDiagnostic, Result, WrapErr};

use crate::srs::Timestamp;

/// The current time. `MDCARDS_NOW` (RFC 3339, e.g. `2026-01-02T03:04:05Z`) overrides the
/// system clock so that tests and reproductions are deterministic.
pub fn now() -> Result<Timestamp> {
    match std::env::var("MDCARDS_NOW") {
        Ok(text) => {
            let instant: jiff::Timestamp = text
                .parse()
                .into_diagnostic()
                .wrap_err_with(|| format!("MDCARDS_NOW={text:?} is not an RFC 3339 time; unset it or write e.g. 2026-01-02T03:04:05Z"))?;
            Ok(Timestamp(instant.as_millisecond()))
        }
        Err(_) => Ok(Timestamp(jiff::Timestamp::now().as_millisecond())),
    }
}
