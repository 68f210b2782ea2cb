//! Opening a note in the user's editor at the card's line.

use std::io;
use std::path::Path;
use std::process::Command;

/// The editor command: $VISUAL, then $EDITOR, then `vi`; split on whitespace so that
/// `EDITOR="code --wait"` works.
pub fn command() -> Vec<String> {
    let configured = std::env::var("VISUAL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|v| !v.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_owned());
    configured.split_whitespace().map(str::to_owned).collect()
}

/// Run `EDITOR +LINE FILE` and wait for it (vi, vim, nano, emacs, helix and VS Code's
/// `--goto`-less mode all accept `+LINE`).
pub fn open(file: &Path, line: u32) -> io::Result<()> {
    let words = command();
    let (program, args) = words.split_first().expect("at least `vi`");
    let status = Command::new(program)
        .args(args)
        .arg(format!("+{line}"))
        .arg(file)
        .status()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run the editor {program:?}: {e}")))?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "the editor {program:?} exited with {status}"
        )));
    }
    Ok(())
}
