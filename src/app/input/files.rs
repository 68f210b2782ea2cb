//! The notes files a command line names: files as given, folders walked.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::notes::{self, Diagnostic};

/// The notes files under `paths`, each once, in the order given: a file named is taken
/// whatever its extension; a folder gives its `.md` and `.markdown` files, recursively,
/// sorted by name, hidden entries skipped. What cannot be read is a diagnostic.
pub fn notes_files(paths: &[PathBuf], diagnostics: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut visited_folders = HashSet::new();
    for path in paths {
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let before = files.len();
                walk(path, &mut files, &mut visited_folders, diagnostics);
                if files.len() == before {
                    diagnostics.push(
                        Diagnostic::warning(
                            notes::code::NO_CARDS,
                            notes::whole_file(path),
                            format!("no .md or .markdown files in {}", path.display()),
                        )
                        .hint("name the notes files themselves, or the folder that holds them"),
                    );
                }
            }
            // A file named on the command line is read whatever its extension.
            Ok(_) => files.push(path.clone()),
            Err(error) => diagnostics.push(Diagnostic::unreadable(
                path,
                "file or folder",
                &error.to_string(),
            )),
        }
    }
    let mut seen = HashSet::new();
    files.retain(|file| seen.insert(fs::canonicalize(file).unwrap_or_else(|_| file.clone())));
    files
}

fn walk(
    folder: &Path,
    files: &mut Vec<PathBuf>,
    visited: &mut HashSet<PathBuf>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    // A symlink back up the tree would otherwise recurse forever.
    let canonical = fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    if !visited.insert(canonical) {
        return;
    }
    let entries = match fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => {
            diagnostics.push(Diagnostic::unreadable(folder, "folder", &error.to_string()));
            return;
        }
    };
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if !entry.file_name().to_string_lossy().starts_with('.') => {
                children.push(entry.path());
            }
            Ok(_) => {}
            Err(error) => {
                diagnostics.push(Diagnostic::unreadable(folder, "folder", &error.to_string()));
            }
        }
    }
    children.sort();
    for child in children {
        match fs::metadata(&child) {
            Ok(meta) if meta.is_dir() => walk(&child, files, visited, diagnostics),
            Ok(_) if is_notes_file(&child) => files.push(child),
            Ok(_) => {}
            Err(error) => {
                if is_notes_file(&child) {
                    diagnostics.push(Diagnostic::unreadable(&child, "file", &error.to_string()));
                }
            }
        }
    }
}

fn is_notes_file(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"))
}
