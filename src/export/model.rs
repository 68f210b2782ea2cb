//! The Anki note type mdcards writes, with its card templates and CSS from askama
//! templates under `templates/anki/`.

use askama::Template;

use super::highlight::PALETTE;

/// The note type id of "mdcards Basic".
///
/// FROZEN: Anki matches note types by id on import. A different id (or a different field
/// list) makes Anki create a second note type and report every existing note as
/// conflicting, so re-imports would stop updating. Never change this value or the fields;
/// a new layout needs a new note type with a migration note for users.
pub const BASIC_MODEL_ID: i64 = 1_718_392_511_629;
pub const BASIC_MODEL_NAME: &str = "mdcards Basic";
/// FROZEN with the id: names and order of the fields.
pub const BASIC_FIELDS: &[&str] = &["Front", "Back", "Source"];

/// The CSS class every card side's wrapper carries.
const CARD_CLASS: &str = "mdc";

/// A note type as written into the package: fields, card templates and styling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteType {
    pub id: i64,
    pub name: &'static str,
    pub fields: &'static [&'static str],
    /// One Anki card per template per note.
    pub templates: Vec<CardTemplate>,
    pub css: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CardTemplate {
    pub name: &'static str,
    /// Anki's `qfmt`.
    pub question: String,
    /// Anki's `afmt`.
    pub answer: String,
}

#[derive(Template)]
#[template(path = "anki/front.html")]
struct FrontTemplate {
    card_class: &'static str,
}

#[derive(Template)]
#[template(path = "anki/back.html")]
struct BackTemplate {
    card_class: &'static str,
}

#[derive(Template)]
#[template(path = "anki/style.css", escape = "none")]
struct StyleTemplate {
    card_class: &'static str,
    palette: Vec<(&'static str, &'static str, &'static str)>,
}

/// "mdcards Basic": Front, Back, Source; one card showing Front, answering with Back.
pub fn basic() -> Result<NoteType, askama::Error> {
    let palette = PALETTE
        .iter()
        .map(|&(_, class, light, night)| (class, light, night))
        .collect();
    Ok(NoteType {
        id: BASIC_MODEL_ID,
        name: BASIC_MODEL_NAME,
        fields: BASIC_FIELDS,
        templates: vec![CardTemplate {
            name: "Card 1",
            question: FrontTemplate {
                card_class: CARD_CLASS,
            }
            .render()?,
            answer: BackTemplate {
                card_class: CARD_CLASS,
            }
            .render()?,
        }],
        css: StyleTemplate {
            card_class: CARD_CLASS,
            palette,
        }
        .render()?
            + &super::scenario::css()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_use_every_field_and_anki_syntax_survives_askama() {
        let model = basic().unwrap();
        let card = &model.templates[0];
        assert!(card.question.contains("{{Front}}"), "{}", card.question);
        assert!(!card.question.contains("{{Back}}"));
        for field in ["{{Front}}", "{{Back}}", "{{Source}}", "{{#Source}}"] {
            assert!(card.answer.contains(field), "{field} in {}", card.answer);
        }
        assert!(card.answer.contains("<hr id=\"answer\">"));
    }

    #[test]
    fn css_styles_every_token_for_light_and_night() {
        let css = basic().unwrap().css;
        for (_, class, light, night) in PALETTE {
            assert!(
                css.contains(&format!(".{class} {{ color: {light}; }}")),
                "{class}"
            );
            assert!(
                css.contains(&format!(
                    ".nightMode .{class}, .night_mode .{class} {{ color: {night}; }}"
                )),
                "{class}"
            );
        }
        assert!(!css.contains("<script"));
    }

    #[test]
    fn the_note_type_identity_is_frozen() {
        assert_eq!(BASIC_MODEL_ID, 1_718_392_511_629);
        assert_eq!(BASIC_FIELDS, ["Front", "Back", "Source"]);
        assert_eq!(BASIC_MODEL_NAME, "mdcards Basic");
    }
}
