//! Images referenced by cards, bundled as Anki media under collision-free names.
//!
//! A media name is `<stem>-<content hash>.<ext>`: two different files both called `a.png`
//! get different names, one file referenced twice (or two copies of the same bytes with the
//! same name) is stored once, and an edited image gets a new name, so a re-import never
//! keeps showing the old picture from Anki's media folder.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::ExportError;
use crate::deck::MediaRef;

/// One file to store in the package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    /// The name Anki stores it under, and the `src` the cards use.
    pub name: String,
    /// Where to read it from when writing the package.
    pub path: PathBuf,
    pub bytes: u64,
}

/// Every bundled file, and the name each referenced path is stored under.
#[derive(Debug, Default)]
pub struct MediaSet {
    files: Vec<MediaFile>,
    by_path: HashMap<PathBuf, usize>,
}

impl MediaSet {
    /// Read and hash every referenced file. A reference to a file that cannot be read is
    /// an error naming the note's file:line.
    pub fn collect<'a>(
        refs: impl IntoIterator<Item = &'a MediaRef>,
    ) -> Result<MediaSet, ExportError> {
        let mut set = MediaSet::default();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        for media in refs {
            if set.by_path.contains_key(&media.path) {
                continue;
            }
            let (hash, bytes) =
                hash_file(&media.path).map_err(|source| ExportError::MissingMedia {
                    location: media.location.clone(),
                    written: media.written.clone(),
                    path: media.path.clone(),
                    source,
                })?;
            let name = media_name(&media.path, &hash);
            let index = *by_name.entry(name.clone()).or_insert_with(|| {
                set.files.push(MediaFile {
                    name,
                    path: media.path.clone(),
                    bytes,
                });
                set.files.len() - 1
            });
            set.by_path.insert(media.path.clone(), index);
        }
        Ok(set)
    }

    /// The stored name of a referenced file, if it was collected.
    pub fn name_of(&self, path: &Path) -> Option<&str> {
        self.by_path
            .get(path)
            .map(|&index| self.files[index].name.as_str())
    }

    pub fn files(&self) -> &[MediaFile] {
        &self.files
    }
}

fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 64 * 1024];
    let mut total = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        total += read as u64;
    }
    let digest = hasher.finalize();
    let hex: String = digest[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    Ok((hex, total))
}

/// `img/Raft Figure 2.png` + hash -> `Raft_Figure_2-0123456789ab.png`: only characters that
/// are safe in a file name on every platform Anki runs on, and in an HTML attribute.
fn media_name(path: &Path, hash: &str) -> String {
    let clean = |text: &str| -> String {
        text.chars()
            .map(|c| {
                if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    let stem = path
        .file_stem()
        .map(|stem| clean(&stem.to_string_lossy()))
        .unwrap_or_default();
    // Anki treats names starting with `_` as template media; keep note media clear of that.
    let stem = stem.trim_start_matches(['_', '.']);
    let stem = if stem.is_empty() { "image" } else { stem };
    match path.extension() {
        Some(ext) => format!("{stem}-{hash}.{}", clean(&ext.to_string_lossy())),
        None => format!("{stem}-{hash}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deck::Location;

    fn reference(path: &Path, line: u32) -> MediaRef {
        MediaRef {
            written: path.file_name().unwrap().to_string_lossy().into_owned(),
            path: path.to_owned(),
            location: Location {
                file: PathBuf::from("notes.md"),
                line,
                col: 1,
            },
        }
    }

    #[test]
    fn same_name_different_files_do_not_collide_and_duplicates_are_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a")).unwrap();
        std::fs::create_dir_all(dir.path().join("b")).unwrap();
        let first = dir.path().join("a/fig.png");
        let second = dir.path().join("b/fig.png");
        std::fs::write(&first, b"first").unwrap();
        std::fs::write(&second, b"second").unwrap();
        let refs = [
            reference(&first, 1),
            reference(&second, 2),
            reference(&first, 3),
        ];
        let set = MediaSet::collect(&refs).unwrap();
        assert_eq!(set.files().len(), 2);
        let (one, two) = (set.name_of(&first).unwrap(), set.name_of(&second).unwrap());
        assert_ne!(one, two);
        assert!(one.starts_with("fig-") && one.ends_with(".png"), "{one}");
    }

    #[test]
    fn identical_copies_are_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("copy")).unwrap();
        let first = dir.path().join("fig.png");
        let copy = dir.path().join("copy/fig.png");
        std::fs::write(&first, b"same").unwrap();
        std::fs::write(&copy, b"same").unwrap();
        let set = MediaSet::collect(&[reference(&first, 1), reference(&copy, 2)]).unwrap();
        assert_eq!(set.files().len(), 1);
        assert_eq!(set.name_of(&first), set.name_of(&copy));
    }

    #[test]
    fn missing_file_names_the_note_line() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.png");
        let error = MediaSet::collect(&[reference(&missing, 7)]).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("notes.md:7"), "{message}");
        assert!(message.contains("gone.png"), "{message}");
    }

    #[test]
    fn names_are_safe() {
        assert_eq!(
            media_name(Path::new("img/_Raft Figure <2>.PNG"), "00ff"),
            "Raft_Figure__2_-00ff.PNG"
        );
        assert_eq!(media_name(Path::new("x/.hidden"), "ab"), "hidden-ab");
    }
}
