//! The package's first entry, `collection.anki2`, deflated on every core.
//!
//! The collection is most of a package (74 MB for 100,000 notes) and is complete only
//! after its last index is built, so deflating it on one thread is a serial tenth of an
//! export. As pigz does, the file is cut into chunks deflated apart; each chunk but the last
//! ends with a sync flush (an empty stored block that leaves the stream on a byte
//! boundary), so their concatenation is one valid deflate stream. A chunk never refers back
//! into the one before, which costs a few hundred bytes of a 16 MB package.
//!
//! The zip crate cannot store data compressed elsewhere, so this writes the archive's
//! first entry itself (local header, data, a central directory naming only it); the zip
//! crate then appends the other entries (`ZipWriter::new_append`) and writes the final
//! central directory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use flate2::{Compress, Compression, FlushCompress, Status};

/// Large enough that a chunk's fresh dictionary costs nothing measurable, small enough to
/// keep both cores busy to the end and only a few chunks in memory.
const CHUNK: usize = 1 << 20;

/// Same level as the rest of the package: fast deflate already shrinks the collection's
/// repetitive HTML about 4.5x; higher levels cost several times the time for a few percent.
const LEVEL: u32 = 1;

/// Write `collection` as the entry `name`, deflated, at the start of `out` (an empty
/// file), followed by a central directory and end record for that one entry.
pub fn write_first_entry(out: &mut File, name: &str, collection: &Path) -> io::Result<()> {
    write_in_chunks(out, name, collection, CHUNK)
}

fn write_in_chunks(out: &mut File, name: &str, collection: &Path, chunk: usize) -> io::Result<()> {
    let len = std::fs::metadata(collection)?.len();
    let too_big = || {
        io::Error::other(
            "the collection is larger than 4 GiB, more than a zip entry without Zip64 holds",
        )
    };
    let len32 = u32::try_from(len).map_err(|_| too_big())?;
    let header = LocalHeader {
        name,
        crc: 0,
        compressed: 0,
        size: len32,
    };
    out.write_all(&header.bytes())?;
    let (crc, compressed) = deflate_into(out, collection, len, chunk)?;
    let compressed = u32::try_from(compressed).map_err(|_| too_big())?;
    let header = LocalHeader {
        crc,
        compressed,
        ..header
    };
    let data_end = out.stream_position()?;
    let central_offset = u32::try_from(data_end).map_err(|_| too_big())?;
    out.seek(SeekFrom::Start(0))?;
    out.write_all(&header.bytes())?;
    out.seek(SeekFrom::Start(data_end))?;
    let central = header.central_entry();
    out.write_all(&central)?;
    out.write_all(&end_record(central.len() as u32, central_offset))?;
    Ok(())
}

/// Deflate `len` bytes of `path` onto `out` on every core; returns the CRC-32 of the
/// input and the compressed size.
fn deflate_into(out: &mut File, path: &Path, len: u64, chunk: usize) -> io::Result<(u32, u64)> {
    let chunks = usize::try_from(len.div_ceil(chunk as u64))
        .unwrap_or(usize::MAX)
        .max(1);
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, chunks);
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::sync_channel::<io::Result<Deflated>>(workers * 2);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || {
                let mut input = Vec::new();
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= chunks {
                        break;
                    }
                    let start = index as u64 * chunk as u64;
                    let size = (len - start).min(chunk as u64) as usize;
                    let deflated =
                        deflate_chunk(path, index, start, &mut input, size, index + 1 == chunks);
                    let failed = deflated.is_err();
                    // The receiver is gone only when writing failed: stop quietly.
                    if sender.send(deflated).is_err() || failed {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // Chunks arrive in any order; write them in file order.
        let mut crc = crc32fast::Hasher::new();
        let mut written = 0u64;
        let mut pending = BTreeMap::new();
        let mut expected = 0;
        for deflated in receiver {
            let deflated = deflated?;
            pending.insert(deflated.index, deflated);
            while let Some(chunk) = pending.remove(&expected) {
                out.write_all(&chunk.bytes)?;
                crc.combine(&chunk.crc);
                written += chunk.bytes.len() as u64;
                expected += 1;
            }
        }
        if expected != chunks {
            return Err(io::Error::other(
                "a chunk of the collection was not compressed",
            ));
        }
        Ok((crc.finalize(), written))
    })
}

struct Deflated {
    index: usize,
    crc: crc32fast::Hasher,
    bytes: Vec<u8>,
}

/// Deflate `size` bytes of `path` from `start`, read into the worker's `input` buffer.
fn deflate_chunk(
    path: &Path,
    index: usize,
    start: u64,
    input: &mut Vec<u8>,
    size: usize,
    last: bool,
) -> io::Result<Deflated> {
    input.resize(size, 0);
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(input)?;
    let mut crc = crc32fast::Hasher::new();
    crc.update(input);
    let mut compress = Compress::new(Compression::new(LEVEL), false);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    let mut bytes = Vec::with_capacity(size / 3 + 1024);
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

    fn entry_round_trip(len: usize, chunk: usize) {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("collection.anki2");
        let data = sample(len);
        std::fs::write(&source, &data).unwrap();
        let package = dir.path().join("p.apkg");
        let mut file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&package)
            .unwrap();
        write_in_chunks(&mut file, "collection.anki2", &source, chunk).unwrap();
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
        assert!(back == data, "{len} bytes in chunks of {chunk}");
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
        entry_round_trip(100_000, 7_000);
        entry_round_trip(21_000, 7_000);
        entry_round_trip(5, 7_000);
        entry_round_trip(0, 7_000);
        entry_round_trip(300_000, CHUNK);
    }
}
