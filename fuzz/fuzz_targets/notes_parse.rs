//! Any bytes as a notes file: decoding and parsing never panic, every card and diagnostic
//! is located inside the file, parsing in small pieces gives what parsing whole gives, and
//! every card side renders to HTML.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use mdcards::notes::{self, LineIndex};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("notes/fuzz.md");
    let (text, _) = notes::decode(path, data.to_vec());
    let parsed = notes::parse_file(path, &text, None);
    let tiny = notes::parse_file_in_pieces(path, &text, None, 0);
    let whole = notes::parse_file_in_pieces(path, &text, None, usize::MAX);
    assert_eq!(tiny.cards, whole.cards, "pieces changed the cards");
    assert_eq!(tiny.diagnostics, whole.diagnostics, "pieces changed the diagnostics");
    assert_eq!(parsed.cards, whole.cards);

    let index = LineIndex::new(&text);
    for card in &parsed.cards {
        let offset = index
            .offset(card.location.line, card.location.col)
            .expect("card inside the file");
        assert!(text[offset..].starts_with('#'), "card not at a heading");
        notes::html::render(&card.front);
        notes::html::render(&card.back);
    }
    for diagnostic in &parsed.diagnostics {
        if diagnostic.location.line > 0 {
            let offset = index
                .offset(diagnostic.location.line, diagnostic.location.col)
                .expect("diagnostic inside the file");
            assert!(offset + diagnostic.len <= text.len(), "span past the end");
        }
    }
    notes::duplicate_ids(&parsed.cards);
});
