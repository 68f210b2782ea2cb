//! `--deck` and `--tag` resolved against what the review database or the notes hold.

use miette::{Result, miette};

use super::paths::store_error;
use crate::cli::SelectArgs;
use crate::select::{self, Filter, SelectError};
use crate::store::Store;

/// The filter for `args` among the cards of `sources` (every card when `None`); an unknown
/// deck or tag is an error listing the known ones.
pub fn from_store(store: &Store, sources: Option<&[i64]>, args: &SelectArgs) -> Result<Filter> {
    if args.decks.is_empty() && args.tags.is_empty() {
        return Ok(Filter::default());
    }
    let (decks, tags) = store.deck_and_tag_names(sources).map_err(store_error)?;
    let place = if sources.is_some() {
        "in these notes"
    } else {
        "in the review database"
    };
    resolve(args, &decks, &tags, place)
}

/// The filter for `args` among `decks` and `tags` found at `place`.
pub fn resolve(
    args: &SelectArgs,
    decks: &[String],
    tags: &[String],
    place: &str,
) -> Result<Filter> {
    select::resolve(
        &args.decks,
        &args.tags,
        decks.iter().map(String::as_str),
        tags.iter().map(String::as_str),
        place,
    )
    .map_err(report)
}

fn report(error: SelectError) -> miette::Report {
    let help = error.help();
    miette!(help = help, "{error}")
}
