//! The `.apkg` file: render notes in parallel, store them in a fresh collection that streams
//! into the package's first entry as it is written, add the media, and rename the result
//! into place.
//!
//! Everything is written inside a temporary folder next to OUT (same file system, so the
//! final rename is atomic): an error at any point removes the folder and leaves OUT as it
//! was, absent or the previous export.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

use super::collection::{CollectionWriter, StoredNote};
use super::first_entry::DeflatingEntry;
use super::media::{MediaFile, MediaSet};
use super::model::NoteType;
use super::render::RenderedNote;
use super::sqlite::PAGE_SIZE;
use super::{ExportError, Stamp};

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Anki cards (one per note for "mdcards Basic").
    pub cards: usize,
    pub notes: usize,
    pub decks: usize,
    pub media: usize,
    /// Size of the package file.
    pub bytes: u64,
    /// Notes that are instances of scenario generators (included in `notes`).
    pub instances: usize,
}

/// Notes rendered per work item: large enough to amortise the channel, small enough that
/// only a few thousand rendered notes are ever held in memory at once.
const CHUNK: usize = 512;

/// Write `sources` (rendered by `render`) as an Anki package at `out`.
///
/// `progress` is told how many notes are stored so far. `stamp` gives the ids and `mod`s.
pub fn write_package<S: Sync>(
    out: &Path,
    models: Vec<NoteType>,
    sources: &[S],
    render: &(dyn Fn(&S) -> RenderedNote + Sync),
    media: &MediaSet,
    stamp: Stamp,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Summary, ExportError> {
    check_out_path(out)?;
    let folder = parent_folder(out);
    let work = tempfile::Builder::new()
        .prefix(".mdcards-export-")
        .tempdir_in(&folder)
        .map_err(|source| ExportError::Io {
            action: "create a temporary folder in",
            path: folder.clone(),
            source,
        })?;
    let package = work.path().join("package.apkg");
    let templates = models.iter().map(|m| m.templates.len()).max().unwrap_or(0);
    let file = File::options()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&package)
        .map_err(io_error("create", &package))?;
    // The collection streams into the package's first entry as it is written.
    let entry = DeflatingEntry::new(file, "collection.anki2", PAGE_SIZE)
        .map_err(io_error("write", &package))?;
    let mut writer = CollectionWriter::new(entry, &package, models, sources.len(), stamp);
    let decks = render_into(&mut writer, sources, render, stamp.note_mod, progress)?;
    let (entry, first_page) = writer.finish()?;
    let file = entry
        .finish(&first_page[..])
        .map_err(io_error("write", &package))?;
    zip_media(file, &package, media.files())?;
    let bytes = std::fs::metadata(&package)
        .map_err(|source| ExportError::Io {
            action: "read the size of",
            path: package.clone(),
            source,
        })?
        .len();
    std::fs::rename(&package, out).map_err(|source| ExportError::Io {
        action: "move the finished package to",
        path: out.to_owned(),
        source,
    })?;
    drop(work);
    Ok(Summary {
        cards: sources.len() * templates,
        notes: sources.len(),
        decks,
        media: media.files().len(),
        bytes,
        instances: 0,
    })
}

/// OUT must be a `.apkg` path whose folder exists, and not a folder itself.
///
/// The extension is an error, not a warning: OUT is the last positional argument, so
/// `mdcards export a.md b.md` (OUT forgotten) would otherwise overwrite the notes `b.md`;
/// and Anki treats `.colpkg` as a whole collection that replaces the user's own on import.
pub fn check_out_path(out: &Path) -> Result<(), ExportError> {
    if out.is_dir() {
        return Err(ExportError::OutIsDirectory(out.to_owned()));
    }
    let is_apkg = out
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("apkg"));
    if !is_apkg {
        return Err(ExportError::OutNotApkg(out.to_owned()));
    }
    let folder = parent_folder(out);
    if !folder.is_dir() {
        return Err(ExportError::OutFolderMissing(folder));
    }
    Ok(())
}

fn parent_folder(out: &Path) -> PathBuf {
    match out.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// Render on every core while this thread stores notes in order; returns the deck count.
fn render_into<S: Sync, W: Write>(
    writer: &mut CollectionWriter<W>,
    sources: &[S],
    render: &(dyn Fn(&S) -> RenderedNote + Sync),
    note_mod: i64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<usize, ExportError> {
    let chunks = sources.len().div_ceil(CHUNK);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, chunks.max(1));
    let next = AtomicUsize::new(0);
    type Chunk = Result<Vec<StoredNote>, ExportError>;
    let (sender, receiver) = mpsc::sync_channel::<(usize, Chunk)>(workers * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let chunk = next.fetch_add(1, Ordering::Relaxed);
                    let start = chunk * CHUNK;
                    if start >= sources.len() {
                        break;
                    }
                    let end = (start + CHUNK).min(sources.len());
                    let notes: Chunk = sources[start..end]
                        .iter()
                        .map(|source| StoredNote::new(render(source), note_mod))
                        .collect();
                    // The receiver is gone only when storing failed: stop quietly.
                    if sender.send((chunk, notes)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // Chunks arrive in any order; store them in source order so ids follow the notes.
        let mut pending: BTreeMap<usize, Chunk> = BTreeMap::new();
        let mut expected = 0;
        let mut stored = 0;
        for (chunk, notes) in receiver {
            pending.insert(chunk, notes);
            while let Some(notes) = pending.remove(&expected) {
                let notes = notes?;
                stored += notes.len();
                for note in notes {
                    writer.add(note)?;
                }
                progress(stored);
                expected += 1;
            }
        }
        Ok(writer.deck_count())
    })
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ExportError {
    let path = path.to_owned();
    move |source| ExportError::Io {
        action,
        path,
        source,
    }
}

/// Append the media index and the media to the package whose first entry is written.
fn zip_media(file: File, package: &Path, media: &[MediaFile]) -> Result<(), ExportError> {
    let mut zip = ZipWriter::new_append(file)?;
    // Level 1, as for the collection: the media index is tiny, and media that are not
    // already compressed are mostly text (SVG).
    let deflate = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);

    let names: BTreeMap<String, &str> = media
        .iter()
        .enumerate()
        .map(|(index, file)| (index.to_string(), file.name.as_str()))
        .collect();
    zip.start_file("media", deflate)?;
    let index = serde_json::to_vec(&names).map_err(ExportError::Json)?;
    zip.write_all(&index).map_err(io_error("write", package))?;

    for (index, file) in media.iter().enumerate() {
        let options = if already_compressed(&file.name) {
            stored
        } else {
            deflate
        };
        zip.start_file(index.to_string(), options)?;
        let mut source = File::open(&file.path).map_err(io_error("read", &file.path))?;
        std::io::copy(&mut source, &mut zip).map_err(io_error("read", &file.path))?;
    }
    zip.finish()?
        .sync_all()
        .map_err(io_error("write", package))?;
    Ok(())
}

fn already_compressed(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".mp3", ".mp4", ".ogg", ".webm",
    ]
    .iter()
    .any(|ext| lower.ends_with(ext))
}
