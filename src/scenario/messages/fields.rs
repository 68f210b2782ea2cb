//! Missing, unknown and mistyped fields: what a message must hold before its numbers can be
//! checked.

use serde_json::Value;

use super::json::{Object, fields, noun};
use super::{Problem, code};
use crate::scenario::script::parser::suggestion;

/// Every field problem of a message, at the message (a missing field) or at the field.
pub(super) fn problems(object: &Object) -> Vec<Problem> {
    let kind = object.kind;
    let (required, optional) = fields(kind);
    let known: Vec<&str> = required.iter().chain(optional).copied().collect();
    let mut found: Vec<Problem> = required
        .iter()
        .filter(|name| !object.fields.contains_key(**name))
        .map(|name| {
            Problem::new(
                code::FIELDS,
                object.range.start,
                format!("this {} has no `{name}`", noun(kind)),
            )
            .label("in this message")
            .hint(format!("{} has {}", kind.phrase(), required.join(", ")))
        })
        .collect();
    for (name, value) in &object.fields {
        let at = object.key_at(name);
        // Some notes name the message in a field of its own.
        if name == "type" {
            continue;
        }
        if !known.contains(&name.as_str()) {
            found.push(
                Problem::new(
                    code::FIELDS,
                    at,
                    format!("{} has no field `{name}`", kind.phrase()),
                )
                .label("unknown field")
                .hint(format!(
                    "{}its fields are {}",
                    did_you_mean(name, &known),
                    known.join(", ")
                )),
            );
        } else if let Some(wanted) = wrong_type(name, value) {
            found.push(
                Problem::new(
                    code::FIELDS,
                    at,
                    format!("`{name}` is {wanted}, not {value}"),
                )
                .label("wrong type"),
            );
        } else if name == "entries" {
            found.extend(entry_problems(object, value));
        }
    }
    found
}

/// What the field should be, if it is not.
fn wrong_type(name: &str, value: &Value) -> Option<&'static str> {
    match name {
        "voteGranted" | "success" => (!value.is_boolean()).then_some("true or false"),
        "entries" => (!value.is_array()).then_some("a list of entries"),
        _ => value.as_u64().is_none().then_some("a whole number"),
    }
}

/// Entries are objects with a whole-number index and term; the first that is not is shown.
fn entry_problems(object: &Object, entries: &Value) -> Option<Problem> {
    let entries = entries.as_array()?;
    let (position, _) = entries.iter().enumerate().find(|(_, entry)| {
        let number = |field: &str| entry.get(field).and_then(Value::as_u64);
        number("index").is_none() || number("term").is_none()
    })?;
    Some(
        Problem::new(
            code::FIELDS,
            object.key_at(&format!("entries.{position}")),
            format!(
                "entry {} needs a whole-number `index` and `term`",
                position + 1
            ),
        )
        .label("this entry")
        .hint(r#"an entry is {"index": 9, "term": 5, "command": "set x = 10"}"#),
    )
}

fn did_you_mean(name: &str, known: &[&str]) -> String {
    suggestion(name, known)
        .map(|close| format!("{close} "))
        .unwrap_or_default()
}
