//! The database file as numbered pages, and one b-tree page being filled with cells.
//!
//! Pages are appended in the order they are numbered, so the file is written front to
//! back; only page 1, whose schema table names every root page, is known last: it is
//! handed back for the caller to put in front (an export deflates the rest as it comes).

use std::io::{self, Write};

/// 4 KiB, SQLite's default: what `rusqlite` wrote before, and what Anki's own collections use.
pub const PAGE_SIZE: usize = 4096;

/// The page holding the byte at offset 2^30 is never used: SQLite keeps it for locks.
const LOCK_BYTE_PAGE: u32 = (1 << 30) / PAGE_SIZE as u32 + 1;

/// Pages 2, 3, ... written in order to `out`.
pub struct PageFile<W> {
    out: W,
    /// Pages so far, page 1 included.
    pages: u32,
}

impl<W: Write> PageFile<W> {
    pub fn new(out: W) -> PageFile<W> {
        PageFile { out, pages: 1 }
    }

    /// The number the next appended page gets.
    pub fn next_number(&self) -> u32 {
        following(self.pages)
    }

    /// Append one page (at most [`PAGE_SIZE`] bytes; the rest is zeros); returns its number.
    pub fn append(&mut self, page: &[u8]) -> io::Result<u32> {
        debug_assert!(page.len() <= PAGE_SIZE);
        let number = self.next_number();
        if number != self.pages + 1 {
            self.out.write_all(&[0; PAGE_SIZE])?;
        }
        self.out.write_all(page)?;
        self.out.write_all(&[0; PAGE_SIZE][page.len()..])?;
        self.pages = number;
        Ok(number)
    }

    /// Pages in the file, page 1 and any skipped lock-byte page included.
    pub fn page_count(&self) -> u32 {
        self.pages
    }

    /// The output, which holds every page but the first.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The page numbered after `page`.
pub fn following(page: u32) -> u32 {
    if page + 1 == LOCK_BYTE_PAGE {
        page + 2
    } else {
        page + 1
    }
}

/// The kinds of b-tree page, by their flag byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    IndexInterior = 0x02,
    TableInterior = 0x05,
    IndexLeaf = 0x0a,
    TableLeaf = 0x0d,
}

impl Kind {
    fn header_len(self) -> usize {
        match self {
            Kind::IndexInterior | Kind::TableInterior => 12,
            Kind::IndexLeaf | Kind::TableLeaf => 8,
        }
    }
}

/// A b-tree page filled from both ends: cell pointers grow after the header, cell
/// contents grow down from the end, and nothing is ever freed, so the page has no free
/// blocks and no fragments.
pub struct PageBuilder {
    kind: Kind,
    /// 100 on page 1, after the file header; 0 elsewhere.
    offset: usize,
    buf: Box<[u8; PAGE_SIZE]>,
    cells: usize,
    /// Where the lowest cell starts.
    content: usize,
}

impl PageBuilder {
    pub fn new(kind: Kind) -> PageBuilder {
        PageBuilder::at(kind, 0)
    }

    /// The b-tree part of page 1, which starts after the 100-byte file header.
    pub fn first_page(kind: Kind) -> PageBuilder {
        PageBuilder::at(kind, 100)
    }

    fn at(kind: Kind, offset: usize) -> PageBuilder {
        PageBuilder {
            kind,
            offset,
            buf: Box::new([0; PAGE_SIZE]),
            cells: 0,
            content: PAGE_SIZE,
        }
    }

    fn pointers_end(&self) -> usize {
        self.offset + self.kind.header_len() + 2 * self.cells
    }

    /// Whether a cell of `len` bytes (and its pointer) still fits.
    pub fn fits(&self, len: usize) -> bool {
        self.pointers_end() + 2 + len <= self.content
    }

    /// Make room for a cell of `len` bytes (which must fit) and return it to be filled.
    /// Cells must be added in key order.
    pub fn add_cell(&mut self, len: usize) -> &mut [u8] {
        assert!(self.fits(len), "a {len}-byte cell does not fit the page");
        let pointer = self.pointers_end();
        self.content -= len;
        self.buf[pointer..pointer + 2].copy_from_slice(&(self.content as u16).to_be_bytes());
        self.cells += 1;
        &mut self.buf[self.content..self.content + len]
    }

    /// The finished page; `right_child` is required on interior pages only.
    /// Returns the whole page buffer (page 1's file header bytes are left zero).
    pub fn finish(&mut self, right_child: Option<u32>) -> &[u8; PAGE_SIZE] {
        let header = &mut self.buf[self.offset..self.offset + self.kind.header_len()];
        header[0] = self.kind as u8;
        header[1..3].copy_from_slice(&[0, 0]); // no free blocks
        header[3..5].copy_from_slice(&(self.cells as u16).to_be_bytes());
        // A content start of 65536 would be written 0; pages here are 4 KiB.
        header[5..7].copy_from_slice(&(self.content as u16).to_be_bytes());
        header[7] = 0; // no fragmented bytes
        match (self.kind, right_child) {
            (Kind::IndexInterior | Kind::TableInterior, Some(child)) => {
                header[8..12].copy_from_slice(&child.to_be_bytes());
            }
            (Kind::IndexLeaf | Kind::TableLeaf, None) => {}
            (kind, child) => panic!("a {kind:?} page given right child {child:?}"),
        }
        &self.buf
    }

    /// Empty the page for reuse as a page of the same kind.
    pub fn clear(&mut self) {
        self.buf.fill(0);
        self.cells = 0;
        self.content = PAGE_SIZE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_byte_page_is_skipped() {
        assert_eq!(following(1), 2);
        assert_eq!(following(LOCK_BYTE_PAGE - 1), LOCK_BYTE_PAGE + 1);
        assert_eq!(LOCK_BYTE_PAGE, 262_145);
    }

    /// Counts what is written and keeps none of it.
    struct Counter(u64);

    impl Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0 += bytes.len() as u64;
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn pages_land_at_their_number_and_the_lock_byte_page_is_left_zero() {
        let mut file = PageFile::new(Counter(0));
        let mut numbers = Vec::new();
        while file.page_count() < LOCK_BYTE_PAGE + 2 {
            let number = file.append(&[7; 100]).unwrap();
            // Page N starts at (N - 1) * size; page 1 is not in the output.
            assert_eq!(file.out.0, u64::from(number - 1) * PAGE_SIZE as u64);
            numbers.push(number);
        }
        let around: Vec<u32> = numbers[numbers.len() - 3..].to_vec();
        assert_eq!(
            around,
            [LOCK_BYTE_PAGE - 1, LOCK_BYTE_PAGE + 1, LOCK_BYTE_PAGE + 2]
        );
        assert_eq!(file.page_count(), LOCK_BYTE_PAGE + 2);
    }

    #[test]
    fn cells_fill_from_the_end_and_pointers_from_the_header() {
        let mut page = PageBuilder::new(Kind::TableLeaf);
        page.add_cell(3).copy_from_slice(b"abc");
        page.add_cell(2).copy_from_slice(b"de");
        let bytes = page.finish(None);
        assert_eq!(bytes[0], 0x0d);
        assert_eq!(&bytes[3..5], &2u16.to_be_bytes());
        assert_eq!(&bytes[5..7], &(PAGE_SIZE as u16 - 5).to_be_bytes());
        assert_eq!(&bytes[8..10], &(PAGE_SIZE as u16 - 3).to_be_bytes());
        assert_eq!(&bytes[10..12], &(PAGE_SIZE as u16 - 5).to_be_bytes());
        assert_eq!(&bytes[PAGE_SIZE - 5..], b"deabc");
    }

    #[test]
    fn a_page_is_full_when_the_next_cell_and_its_pointer_would_overlap() {
        let mut page = PageBuilder::new(Kind::IndexInterior);
        let room = PAGE_SIZE - 12 - 2;
        assert!(page.fits(room));
        assert!(!page.fits(room + 1));
        page.add_cell(room);
        assert!(!page.fits(0));
    }
}
