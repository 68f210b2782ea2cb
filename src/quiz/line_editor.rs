//! The answer prompt's line editor in raw mode: typed characters, Backspace, Ctrl-U to
//! clear, Ctrl-W to delete a word, Enter submits, Esc goes back to the question, Ctrl-C and
//! Ctrl-D quit. While nothing is typed, the command keys that begin no answer (`u` undo,
//! `s` bury, `!` suspend, `q` quit, `?`/`h` help) stay commands, so an answer box opened by a stray
//! enter never swallows them. Pure: keys in, text and outcomes out.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::driver::{Input, Typed};

/// The command a key stands for in an empty answer box: only letters no answer starts
/// with (answers are yes/no/true/false, numbers, node ids or none/-, roles, logs or empty).
fn empty_box_command(c: char) -> Option<Input> {
    match c {
        'u' => Some(Input::Undo),
        's' => Some(Input::Bury),
        '!' | '@' => Some(Input::Suspend),
        'q' => Some(Input::Quit),
        '?' | 'h' => Some(Input::Help),
        _ => None,
    }
}

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
            // Nothing to submit yet: the box stays open.
            KeyCode::Enter if self.text.trim().is_empty() => {}
            KeyCode::Enter => return Some(Typed::Answer(std::mem::take(&mut self.text))),
            KeyCode::Esc => {
                self.text.clear();
                return Some(Typed::Cancel);
            }
            KeyCode::Backspace => {
                self.text.pop();
            }
            KeyCode::Char(c) if self.text.is_empty() && empty_box_command(c).is_some() => {
                return empty_box_command(c).map(Typed::Command);
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
    fn command_keys_stay_commands_until_something_is_typed() {
        let mut editor = LineEditor::default();
        assert_eq!(
            press(&mut editor, KeyCode::Char('u')),
            Some(Typed::Command(Input::Undo))
        );
        assert_eq!(
            press(&mut editor, KeyCode::Char('q')),
            Some(Typed::Command(Input::Quit))
        );
        assert_eq!(
            press(&mut editor, KeyCode::Enter),
            None,
            "nothing to submit"
        );
        for c in "no".chars() {
            press(&mut editor, KeyCode::Char(c));
        }
        // Now `s`, `u`, `q` are text.
        for c in "squ".chars() {
            assert_eq!(press(&mut editor, KeyCode::Char(c)), None);
        }
        assert_eq!(editor.text(), "nosqu");
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
