//! The `col` row's JSON: collection options, note types, decks and deck options, in
//! Anki's schema-11 shapes.

use std::collections::BTreeMap;

use serde_json::{Value as Json, json};

use crate::export::model::NoteType;

/// The JSON texts of the `col` row: `conf`, `models`, `decks`, `dconf`.
pub struct ColJson {
    pub conf: String,
    pub models: String,
    pub decks: String,
    pub dconf: String,
}

/// `decks` maps lower-cased names to (id, name as written); `notes` is how many notes the
/// collection holds (Anki's next new-card position follows them); `note_mod` (seconds) is
/// the `mod` of the note types and decks, as of the notes (Anki applies a template change
/// only when the note type's `mod` is newer).
pub fn col_json(
    models: &[NoteType],
    decks: &BTreeMap<String, (i64, String)>,
    notes: usize,
    note_mod: i64,
) -> ColJson {
    let first_deck = decks.values().next().map(|(id, _)| *id);
    let model_map: serde_json::Map<String, Json> = models
        .iter()
        .map(|model| {
            (
                model.id.to_string(),
                model_json(model, note_mod, first_deck),
            )
        })
        .collect();
    let deck_map: serde_json::Map<String, Json> = decks
        .values()
        .map(|(id, name)| (id.to_string(), deck_json(*id, name, note_mod)))
        .collect();
    let conf = json!({
        "activeDecks": [1], "curDeck": 1, "newSpread": 0, "collapseTime": 1200,
        "timeLim": 0, "estTimes": true, "dueCounts": true,
        "curModel": models.first().map(|model| model.id.to_string()),
        "nextPos": notes + 1, "sortType": "noteFld", "sortBackwards": false,
        "addToCur": true,
    });
    ColJson {
        conf: conf.to_string(),
        models: Json::Object(model_map).to_string(),
        decks: Json::Object(deck_map).to_string(),
        dconf: json!({ "1": default_deck_options() }).to_string(),
    }
}

fn model_json(model: &NoteType, note_mod: i64, deck: Option<i64>) -> Json {
    let fields: Vec<Json> = model
        .fields
        .iter()
        .enumerate()
        .map(|(ord, name)| {
            json!({
                "name": name, "ord": ord, "sticky": false, "rtl": false,
                "font": "Arial", "size": 20, "media": [],
            })
        })
        .collect();
    let templates: Vec<Json> = model
        .templates
        .iter()
        .enumerate()
        .map(|(ord, template)| {
            json!({
                "name": template.name, "ord": ord, "qfmt": template.question,
                "afmt": template.answer, "bqfmt": "", "bafmt": "", "did": null,
                "bfont": "", "bsize": 0,
            })
        })
        .collect();
    // Every template shows when the first field (Front) is non-empty.
    let requirements: Vec<Json> = (0..model.templates.len())
        .map(|ord| json!([ord, "any", [0]]))
        .collect();
    json!({
        "id": model.id,
        "name": model.name,
        "type": 0,
        "mod": note_mod,
        "usn": -1,
        "sortf": 0,
        "did": deck,
        "tmpls": templates,
        "flds": fields,
        "css": model.css,
        "latexPre": LATEX_PRE,
        "latexPost": "\\end{document}",
        "latexsvg": false,
        "req": requirements,
        "vers": [],
        "tags": [],
    })
}

const LATEX_PRE: &str = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\
\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\
\\setlength{\\parindent}{0in}\n\\begin{document}\n";

fn deck_json(id: i64, name: &str, note_mod: i64) -> Json {
    json!({
        "id": id, "name": name, "mod": note_mod, "usn": -1, "desc": "", "dyn": 0,
        "conf": 1, "collapsed": false, "browserCollapsed": false,
        "extendNew": 0, "extendRev": 0,
        "newToday": [0, 0], "revToday": [0, 0], "lrnToday": [0, 0], "timeToday": [0, 0],
    })
}

/// Anki's classic default options group (id 1); importing with default options keeps the
/// user's own settings, this only makes the package a complete collection.
fn default_deck_options() -> Json {
    json!({
        "id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true,
        "timer": 0, "replayq": true, "dyn": false,
        "new": {
            "bury": false, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0],
            "order": 1, "perDay": 20, "separate": true,
        },
        "rev": {
            "bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
            "hardFactor": 1.2, "fuzz": 0.05, "minSpace": 1,
        },
        "lapse": {
            "delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0,
        },
    })
}
