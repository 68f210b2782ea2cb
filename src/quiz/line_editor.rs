//! The answer prompt's line editor in raw mode: typed characters, Backspace, Ctrl-U to
//! clear, Ctrl-W to delete a word, Enter submits, Esc goes back to the question, Ctrl-C and
//! Ctrl-D quit. Pure: keys in, text and outcomes out.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::driver::Typed;

/// Answers are short; a runaway paste is cut here.
const MAX_CHARS: usize = 200;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
}

impl LineEditor {
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Apply a key; `Some` when it ends the editing.
    pub fn key(&mut self, key: KeyEvent) -> Option<Typed> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Char('c') | KeyCode::Char('d') if control => return Some(Typed::Quit),
            KeyCode::Char('u') if control => self.text.clear(),
            KeyCode::Char('w') if control => {
                let kept = self.text.trim_end().rfind(' ').map_or(0, |at| at + 1);
                self.text.truncate(kept);
            }
            _ if control => {}
            KeyCode::Enter => return Some(Typed::Answer(std::mem::take(&mut self.text))),
            KeyCode::Esc => {
                self.text.clear();
                return Some(Typed::Cancel);
            }
            KeyCode::Backspace => {
                self.text.pop();
            }
            KeyCode::Char(c) if !c.is_control() && self.text.chars().count() < MAX_CHARS => {
                self.text.push(c);
            }
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(editor: &mut LineEditor, code: KeyCode) -> Option<Typed> {
        editor.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn control(editor: &mut LineEditor, c: char) -> Option<Typed> {
        editor.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    #[test]
    fn typing_backspace_and_enter() {
        let mut editor = LineEditor::default();
        for c in "1 1 45".chars() {
            assert_eq!(press(&mut editor, KeyCode::Char(c)), None);
        }
        press(&mut editor, KeyCode::Backspace);
        assert_eq!(editor.text(), "1 1 4");
        assert_eq!(
            press(&mut editor, KeyCode::Enter),
            Some(Typed::Answer("1 1 4".into()))
        );
        assert_eq!(editor.text(), "", "the next prompt starts empty");
    }

    #[test]
    fn control_keys_edit_cancel_and_quit() {
        let mut editor = LineEditor::default();
        for c in "1 1 4".chars() {
            press(&mut editor, KeyCode::Char(c));
        }
        control(&mut editor, 'w');
        assert_eq!(editor.text(), "1 1 ");
        control(&mut editor, 'u');
        assert_eq!(editor.text(), "");
        press(&mut editor, KeyCode::Char('y'));
        assert_eq!(press(&mut editor, KeyCode::Esc), Some(Typed::Cancel));
        assert_eq!(editor.text(), "");
        assert_eq!(control(&mut editor, 'c'), Some(Typed::Quit));
        // Other control keys type nothing.
        control(&mut editor, 'a');
        assert_eq!(editor.text(), "");
    }
}
