//! The package's first entry, `collection.anki2`, deflated on every core while it is
//! being written.
//!
//! The collection is most of a package (72 MB for 100,000 notes). Its pages after the first
//! arrive in order while the notes are still being rendered; they are cut into 1 MiB chunks
//! that worker threads deflate apart, as pigz does: each chunk but the last ends with a
//! sync flush (an empty stored block that leaves the stream on a byte boundary), so their
//! concatenation is one valid deflate stream, written to the package as it comes. Page 1
//! (file header and schema, known last) opens the stream as a stored block of known size,
//! for which room is kept at the start and filled in at the end. A collection that never
//! fills a chunk (most decks) is deflated whole at the end instead, page 1 included. Nothing
//! of the collection touches the disk but the package itself.
//!
//! The zip crate cannot store data compressed elsewhere, so this writes the archive's
//! first entry itself (local header, data, a central directory naming only it); the zip
//! crate then appends the other entries (`ZipWriter::new_append`) and writes the final
//! central directory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Seek, SeekFrom, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;

use flate2::{Compress, Compression, FlushCompress, Status};

/// Large enough that a chunk's fresh dictionary costs nothing measurable, small enough to
/// keep every core busy to the end and only a few chunks in memory.
const CHUNK: usize = 1 << 20;

/// Same level as the rest of the package: fast deflate already shrinks the collection's
/// repetitive HTML about 4.5x; higher levels cost several times the time for a few percent.
const LEVEL: u32 = 1;

/// A stored deflate block's header: not the last block, type 0, then LEN and its
/// complement.
fn stored_block_header(len: u16) -> [u8; 5] {
    let [lo, hi] = len.to_le_bytes();
    let [nlo, nhi] = (!len).to_le_bytes();
    [0, lo, hi, nlo, nhi]
}

/// The first entry of a package being written: everything written to it but its first
/// `first_len` bytes, which [`DeflatingEntry::finish`] is given.
pub struct DeflatingEntry {
    name: String,
    first_len: usize,
    chunk: Vec<u8>,
    chunks: usize,
    len: u64,
    workers: Workers,
    output: Arc<Mutex<Output>>,
}

/// The deflating threads and their queue. Dropped with an export that failed midway, it
/// waits for them, so none outlives the package.
struct Workers {
    jobs: Option<SyncSender<Job>>,
    handles: Vec<JoinHandle<()>>,
}

impl Workers {
    /// Close the queue and wait: every chunk sent is then in the file or an error.
    fn stop(&mut self) -> io::Result<()> {
        self.jobs = None;
        let mut panicked = false;
        for handle in self.handles.drain(..) {
            panicked |= handle.join().is_err();
        }
        if panicked {
            return Err(io::Error::other("a deflating thread panicked"));
        }
        Ok(())
    }
}

impl Drop for Workers {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

struct Job {
    index: usize,
    data: Vec<u8>,
    last: bool,
}

/// The package file and the deflated chunks not yet in it, written in order by whichever
/// worker finishes the next one.
struct Output {
    file: File,
    next: usize,
    pending: BTreeMap<usize, Deflated>,
    crc: crc32fast::Hasher,
    written: u64,
    error: Option<io::Error>,
}

impl Output {
    fn take(&mut self, deflated: io::Result<Deflated>) {
        if self.error.is_some() {
            return;
        }
        match deflated {
            Ok(deflated) => {
                self.pending.insert(deflated.index, deflated);
            }
            Err(error) => {
                self.error = Some(error);
                return;
            }
        }
        while let Some(chunk) = self.pending.remove(&self.next) {
            if let Err(error) = self.file.write_all(&chunk.bytes) {
                self.error = Some(error);
                return;
            }
            self.crc.combine(&chunk.crc);
            self.written += chunk.bytes.len() as u64;
            self.next += 1;
        }
    }
}

impl DeflatingEntry {
    /// Start the entry `name` at the start of `file` (empty), keeping room for a first part
    /// of `first_len` bytes (at most 65,535).
    pub fn new(mut file: File, name: &str, first_len: usize) -> io::Result<DeflatingEntry> {
        let first = u16::try_from(first_len)
            .map_err(|_| io::Error::other("the first part of an entry is at most 64 KiB"))?;
        let reserved = local_header_len(name) + stored_block_header(first).len() + first_len;
        file.seek(SeekFrom::Start(reserved as u64))?;
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let (jobs, queue) = sync_channel::<Job>(workers);
        let queue = Arc::new(Mutex::new(queue));
        let output = Arc::new(Mutex::new(Output {
            file,
            next: 0,
            pending: BTreeMap::new(),
            crc: crc32fast::Hasher::new(),
            written: 0,
            error: None,
        }));
        let handles = (0..workers)
            .map(|_| {
                let queue = Arc::clone(&queue);
                let output = Arc::clone(&output);
                std::thread::Builder::new()
                    .name("deflate".to_owned())
                    .spawn(move || deflate_jobs(&queue, &output))
            })
            .collect::<io::Result<_>>()?;
        Ok(DeflatingEntry {
            name: name.to_owned(),
            first_len,
            chunk: Vec::with_capacity(CHUNK),
            chunks: 0,
            len: 0,
            workers: Workers {
                jobs: Some(jobs),
                handles,
            },
            output,
        })
    }

    fn send(&mut self, last: bool) -> io::Result<()> {
        // The error stays for `finish` too; stop sending work as soon as there is one.
        if let Some(error) = &lock(&self.output).error {
            return Err(io::Error::new(error.kind(), error.to_string()));
        }
        let data = std::mem::replace(&mut self.chunk, Vec::with_capacity(CHUNK));
        let job = Job {
            index: self.chunks,
            data,
            last,
        };
        self.chunks += 1;
        let gone = || io::Error::other("the deflating threads stopped");
        let jobs = self.workers.jobs.as_ref().ok_or_else(gone)?;
        jobs.send(job).map_err(|_| gone())
    }

    /// Put `first` (the `first_len` bytes kept room for) in front, finish the entry and
    /// its one-entry central directory; returns the file for the other entries.
    pub fn finish(mut self, first: &[u8]) -> io::Result<File> {
        assert_eq!(
            first.len(),
            self.first_len,
            "the first part's length changed"
        );
        // Nothing sent yet (a collection under 1 MiB, most decks): deflate it whole, the
        // first part in front, so that part is compressed too.
        let small = self.chunks == 0;
        let whole = if small {
            let mut whole = Vec::with_capacity(first.len() + self.chunk.len());
            whole.extend_from_slice(first);
            whole.append(&mut self.chunk);
            Some(deflate_chunk(0, &whole, true)?)
        } else {
            self.send(true)?;
            None
        };
        self.workers.stop()?;
        let output = Arc::into_inner(self.output)
            .ok_or_else(|| io::Error::other("a deflating thread still holds the package"))?
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(error) = output.error {
            return Err(error);
        }
        if output.next != self.chunks {
            return Err(io::Error::other(
                "a chunk of the collection was not compressed",
            ));
        }
        let mut file = output.file;
        let too_big = || {
            io::Error::other(
                "the collection is larger than 4 GiB, more than a zip entry without Zip64 holds",
            )
        };
        let size = u32::try_from(first.len() as u64 + self.len).map_err(|_| too_big())?;
        // The entry's data: the whole deflated, or the stored first part before the chunks
        // already in the file.
        let (crc, front, compressed) = match whole {
            Some(whole) => {
                let len = whole.bytes.len() as u64;
                (whole.crc, whole.bytes, len)
            }
            None => {
                let mut crc = crc32fast::Hasher::new();
                crc.update(first);
                crc.combine(&output.crc);
                let mut front = stored_block_header(first.len() as u16).to_vec();
                front.extend_from_slice(first);
                let len = front.len() as u64 + output.written;
                (crc, front, len)
            }
        };
        let header = LocalHeader {
            name: &self.name,
            crc: crc.finalize(),
            compressed: u32::try_from(compressed).map_err(|_| too_big())?,
            size,
        };
        let data_end = local_header_len(&self.name) as u64 + compressed;
        let central_offset = u32::try_from(data_end).map_err(|_| too_big())?;
        file.seek(SeekFrom::Start(0))?;
        file.write_all(&header.bytes())?;
        file.write_all(&front)?;
        file.seek(SeekFrom::Start(data_end))?;
        let central = header.central_entry();
        file.write_all(&central)?;
        file.write_all(&end_record(central.len() as u32, central_offset))?;
        Ok(file)
    }
}

impl Write for DeflatingEntry {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        // A full chunk is sent when more comes (the last one by `finish`), so bytes are
        // only taken when this returns Ok.
        if self.chunk.len() == CHUNK {
            self.send(false)?;
        }
        let taken = bytes.len().min(CHUNK - self.chunk.len());
        self.chunk.extend_from_slice(&bytes[..taken]);
        self.len += taken as u64;
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn lock(output: &Mutex<Output>) -> std::sync::MutexGuard<'_, Output> {
    output.lock().unwrap_or_else(PoisonError::into_inner)
}

fn deflate_jobs(queue: &Mutex<Receiver<Job>>, output: &Mutex<Output>) {
    loop {
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = job else {
            return; // the queue is closed: the entry is finished or dropped
        };
        // A panic is this chunk's error: the export stops at its next chunk instead of
        // deflating the rest into a queue that can never be written.
        let deflated = std::panic::catch_unwind(|| deflate_chunk(job.index, &job.data, job.last))
            .unwrap_or_else(|panic| {
                let message = panic
                    .downcast_ref::<&str>()
                    .map(|text| text.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                Err(io::Error::other(format!(
                    "deflating a chunk failed: {message}"
                )))
            });
        lock(output).take(deflated);
    }
}

struct Deflated {
    index: usize,
    crc: crc32fast::Hasher,
    bytes: Vec<u8>,
}

/// Deflate one chunk: ended by a sync flush, or by the final block if it is the last.
fn deflate_chunk(index: usize, input: &[u8], last: bool) -> io::Result<Deflated> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(input);
    let mut compress = Compress::new(Compression::new(LEVEL), false);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut bytes = Vec::with_capacity(input.len() / 3 + 1024);
    loop {
        let consumed = compress.total_in() as usize;
        let status = compress
            .compress_vec(&input[consumed..], &mut bytes, flush)
            .map_err(io::Error::other)?;
        let all_in = compress.total_in() as usize == input.len();
        // Done when the stream ends (last chunk), or when a sync flush left output room
        // (zlib's sign that the flush is complete).
        let done = match status {
            Status::StreamEnd => true,
            _ => !last && all_in && bytes.len() < bytes.capacity(),
        };
        if done {
            break;
        }
        bytes.reserve(bytes.capacity().max(64 * 1024));
    }
    Ok(Deflated { index, crc, bytes })
}

fn local_header_len(name: &str) -> usize {
    30 + name.len()
}

/// What the local header and the central directory say about the entry.
#[derive(Clone, Copy)]
struct LocalHeader<'a> {
    name: &'a str,
    crc: u32,
    compressed: u32,
    size: u32,
}

/// Version 2.0 (deflate), made on Unix (so the permissions below are read).
const VERSION_NEEDED: u16 = 20;
const MADE_BY_UNIX: u16 = (3 << 8) | VERSION_NEEDED;
const DEFLATED: u16 = 8;
/// 1980-01-01 00:00, the zip crate's default for the other entries.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;
/// A regular file, rw-r--r--.
const UNIX_FILE: u32 = 0o100644 << 16;

impl LocalHeader<'_> {
    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(30 + self.name.len());
        out.extend(0x0403_4b50u32.to_le_bytes());
        out.extend(VERSION_NEEDED.to_le_bytes());
        self.common(&mut out);
        out.extend(self.name.as_bytes());
        out
    }

    /// Flags, method, time, date, CRC, sizes, name length and an empty extra field: the
    /// fields the local header and the central directory entry share.
    fn common(&self, out: &mut Vec<u8>) {
        out.extend(0u16.to_le_bytes());
        out.extend(DEFLATED.to_le_bytes());
        out.extend(DOS_TIME.to_le_bytes());
        out.extend(DOS_DATE.to_le_bytes());
        out.extend(self.crc.to_le_bytes());
        out.extend(self.compressed.to_le_bytes());
        out.extend(self.size.to_le_bytes());
        out.extend((self.name.len() as u16).to_le_bytes());
        out.extend(0u16.to_le_bytes());
    }

    /// The central directory entry; the local header is at offset 0.
    fn central_entry(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(46 + self.name.len());
        out.extend(0x0201_4b50u32.to_le_bytes());
        out.extend(MADE_BY_UNIX.to_le_bytes());
        out.extend(VERSION_NEEDED.to_le_bytes());
        self.common(&mut out);
        out.extend(0u16.to_le_bytes()); // comment length
        out.extend(0u16.to_le_bytes()); // disk number
        out.extend(0u16.to_le_bytes()); // internal attributes
        out.extend(UNIX_FILE.to_le_bytes());
        out.extend(0u32.to_le_bytes()); // local header offset
        out.extend(self.name.as_bytes());
        out
    }
}

/// The end of central directory record for one entry.
fn end_record(central_size: u32, central_offset: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(22);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // this disk
    out.extend(0u16.to_le_bytes()); // disk with the central directory
    out.extend(1u16.to_le_bytes()); // entries on this disk
    out.extend(1u16.to_le_bytes()); // entries
    out.extend(central_size.to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes()); // comment length
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use zip::write::SimpleFileOptions;

    /// Text that compresses like a collection but not to nothing.
    fn sample(len: usize) -> Vec<u8> {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let word = ["<li>term ", "leader ", "</li>\n", "index ", "vote "][(state % 5) as usize];
            out.extend(word.as_bytes());
            out.extend((state % 1000).to_string().as_bytes());
        }
        out.truncate(len);
        out
    }

    /// Write `first` + `rest` as the entry (`rest` in pieces of `piece` bytes), append an
    /// entry with the zip crate, and read both back.
    fn entry_round_trip(first_len: usize, rest_len: usize, piece: usize) {
        let dir = tempfile::tempdir().unwrap();
        let data = sample(first_len + rest_len);
        let (first, rest) = data.split_at(first_len);
        let package = dir.path().join("p.apkg");
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&package)
            .unwrap();
        let mut entry = DeflatingEntry::new(file, "collection.anki2", first_len).unwrap();
        for part in rest.chunks(piece) {
            entry.write_all(part).unwrap();
        }
        let file = entry.finish(first).unwrap();
        // The zip crate appends after it, as the package writer does.
        let mut zip = zip::ZipWriter::new_append(file).unwrap();
        zip.start_file("media", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(b"{}").unwrap();
        zip.finish().unwrap();

        let mut archive = zip::ZipArchive::new(File::open(&package).unwrap()).unwrap();
        assert_eq!(archive.len(), 2);
        let mut entry = archive.by_name("collection.anki2").unwrap();
        assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
        let mut back = Vec::new();
        // Reading to the end checks the CRC too.
        entry.read_to_end(&mut back).unwrap();
        assert!(
            back == data,
            "{first_len} + {rest_len} bytes in pieces of {piece}"
        );
        drop(entry);
        let mut media = String::new();
        archive
            .by_name("media")
            .unwrap()
            .read_to_string(&mut media)
            .unwrap();
        assert_eq!(media, "{}");
    }

    #[test]
    fn chunks_deflated_apart_read_back_as_one_entry() {
        entry_round_trip(4096, 3 * CHUNK + 12_345, 4096);
        entry_round_trip(4096, 2 * CHUNK, 4096);
        entry_round_trip(4096, CHUNK, 4096);
        entry_round_trip(4096, CHUNK + 1, 4096);
        entry_round_trip(4096, CHUNK - 1, 100_000);
        entry_round_trip(4096, 0, 4096);
        entry_round_trip(0, 5, 1);
        entry_round_trip(65_535, 70_000, 7_000);
    }

    /// Most decks never fill a chunk: their first part (page 1, mostly zeros) is deflated
    /// with the rest instead of stored.
    #[test]
    fn a_small_entry_is_deflated_whole() {
        let dir = tempfile::tempdir().unwrap();
        let package = dir.path().join("p.apkg");
        let file = File::create_new(&package).unwrap();
        let mut entry = DeflatingEntry::new(file, "c", 4096).unwrap();
        entry.write_all(&[0; 8192]).unwrap();
        let mut zip = zip::ZipWriter::new_append(entry.finish(&[0; 4096]).unwrap()).unwrap();
        zip.start_file("media", SimpleFileOptions::default())
            .unwrap();
        zip.finish().unwrap();
        let mut archive = zip::ZipArchive::new(File::open(&package).unwrap()).unwrap();
        let entry = archive.by_name("c").unwrap();
        assert_eq!(entry.size(), 12_288);
        assert!(
            entry.compressed_size() < 1000,
            "{}",
            entry.compressed_size()
        );
    }

    #[test]
    fn an_entry_dropped_midway_stops_its_threads() {
        let file = tempfile::tempfile().unwrap();
        let mut entry = DeflatingEntry::new(file, "c", 10).unwrap();
        for _ in 0..20 {
            entry.write_all(&sample(CHUNK)).unwrap();
        }
        // Returns only once every worker has stopped (Workers::drop joins them).
        drop(entry);
    }

    #[test]
    fn a_file_that_cannot_be_written_is_an_error_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.apkg");
        std::fs::write(&path, b"").unwrap();
        let read_only = File::open(&path).unwrap();
        let mut entry = DeflatingEntry::new(read_only, "c", 10).unwrap();
        let data = sample(3 * CHUNK);
        // The first chunk's failed write stops the entry at a later chunk or at the end.
        let written = entry.write_all(&data);
        let finished = written.and_then(|()| entry.finish(&[0; 10]).map(drop));
        assert!(finished.is_err());
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"",
            "nothing reached the file"
        );
    }

    #[test]
    fn a_first_part_over_64_kib_is_refused() {
        let file = tempfile::tempfile().unwrap();
        assert!(DeflatingEntry::new(file, "c", 65_536).is_err());
    }
}
