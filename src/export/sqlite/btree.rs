//! B-trees built bottom-up from keys that arrive in order (file format §1.5, §1.6).
//!
//! A table's rows stream into leaf pages that are written as they fill; its interior
//! levels, and whole index trees, are planned once every key is known, which keeps every
//! page non-empty without ever rewriting one.

use std::io::{self, Write};
use std::ops::Range;

use super::pages::{Kind, PAGE_SIZE, PageBuilder, PageFile, following};
use super::record::{put_varint, varint_len, write_varint};

/// Usable bytes of a page (no bytes are reserved at page ends).
const USABLE: usize = PAGE_SIZE;
/// Largest payload kept whole on a table leaf page.
const TABLE_LEAF_MAX_LOCAL: usize = USABLE - 35;
/// Largest payload kept whole on an index page; index records here are never longer.
const INDEX_MAX_LOCAL: usize = (USABLE - 12) * 64 / 255 - 23;
/// Least payload kept on the page when the rest overflows.
const MIN_LOCAL: usize = (USABLE - 12) * 32 / 255 - 23;
/// Payload bytes an overflow page holds after its next-page number.
const OVERFLOW_ROOM: usize = USABLE - 4;

/// Bytes of a `len`-byte table payload that stay on the leaf page.
fn table_local_len(len: usize) -> usize {
    if len <= TABLE_LEAF_MAX_LOCAL {
        return len;
    }
    let surplus = MIN_LOCAL + (len - MIN_LOCAL) % OVERFLOW_ROOM;
    if surplus <= TABLE_LEAF_MAX_LOCAL {
        surplus
    } else {
        MIN_LOCAL
    }
}

/// A table b-tree whose rows are inserted in increasing rowid order.
pub struct TableTree {
    leaf: PageBuilder,
    last_rowid: Option<i64>,
    /// Leaves written so far, with the largest rowid of each.
    leaves: Vec<(u32, i64)>,
}

impl Default for TableTree {
    fn default() -> Self {
        TableTree::new()
    }
}

impl TableTree {
    pub fn new() -> TableTree {
        TableTree {
            leaf: PageBuilder::new(Kind::TableLeaf),
            last_rowid: None,
            leaves: Vec::new(),
        }
    }

    /// Add a row whose record is `payload`; rowids must increase.
    pub fn insert<W: Write>(
        &mut self,
        file: &mut PageFile<W>,
        rowid: i64,
        payload: &[u8],
    ) -> io::Result<()> {
        if self.last_rowid.is_some_and(|last| last >= rowid) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "rowid {rowid} after {:?}: rows must come in rowid order",
                    self.last_rowid
                ),
            ));
        }
        let local = table_local_len(payload.len());
        let overflows = local < payload.len();
        let cell_len = varint_len(payload.len() as u64)
            + varint_len(rowid as u64)
            + local
            + if overflows { 4 } else { 0 };
        if !self.leaf.fits(cell_len) {
            self.write_leaf(file)?;
        }
        let first_overflow = if overflows {
            write_overflow(file, &payload[local..])?
        } else {
            0
        };
        let cell = self.leaf.add_cell(cell_len);
        let mut at = write_varint(cell, payload.len() as u64);
        at += write_varint(&mut cell[at..], rowid as u64);
        cell[at..at + local].copy_from_slice(&payload[..local]);
        if overflows {
            cell[at + local..].copy_from_slice(&first_overflow.to_be_bytes());
        }
        self.last_rowid = Some(rowid);
        Ok(())
    }

    fn write_leaf<W: Write>(&mut self, file: &mut PageFile<W>) -> io::Result<()> {
        let page = file.append(self.leaf.finish(None))?;
        let last = self.last_rowid.expect("a full leaf has rows");
        self.leaves.push((page, last));
        self.leaf.clear();
        Ok(())
    }

    /// Write what is left and the interior pages; returns the root page.
    pub fn finish<W: Write>(mut self, file: &mut PageFile<W>) -> io::Result<u32> {
        if self.leaves.is_empty() {
            // Everything fits one leaf (or there are no rows): it is the root.
            return file.append(self.leaf.finish(None));
        }
        // A leaf is written only when a row does not fit, and that row goes in the next.
        self.write_leaf(file)?;
        let (children, largest): (Vec<u32>, Vec<i64>) = self.leaves.into_iter().unzip();
        // An interior cell's key is the largest rowid under its child.
        let keys = largest[..largest.len() - 1]
            .iter()
            .map(|&rowid| {
                let mut key = Vec::with_capacity(9);
                put_varint(&mut key, rowid as u64);
                key
            })
            .collect();
        write_interior(file, Kind::TableInterior, children, keys)
    }
}

/// Write the overflow chain of `rest`; returns its first page.
fn write_overflow<W: Write>(file: &mut PageFile<W>, rest: &[u8]) -> io::Result<u32> {
    let first = file.next_number();
    let mut chunks = rest.chunks(OVERFLOW_ROOM).peekable();
    let mut page = [0u8; PAGE_SIZE];
    while let Some(chunk) = chunks.next() {
        let next = if chunks.peek().is_some() {
            following(file.next_number())
        } else {
            0
        };
        page[..4].copy_from_slice(&next.to_be_bytes());
        page[4..4 + chunk.len()].copy_from_slice(chunk);
        file.append(&page[..4 + chunk.len()])?;
    }
    Ok(first)
}

/// Records of an index in key order, kept in one buffer.
#[derive(Default)]
pub struct IndexRecords {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl IndexRecords {
    pub fn with_capacity(records: usize, bytes: usize) -> IndexRecords {
        IndexRecords {
            bytes: Vec::with_capacity(bytes),
            ends: Vec::with_capacity(records),
        }
    }

    /// Append the next record, encoded by `encode` onto the buffer it is given.
    pub fn push(&mut self, encode: impl FnOnce(&mut Vec<u8>) -> usize) -> io::Result<()> {
        let start = self.bytes.len();
        let len = encode(&mut self.bytes);
        if len > INDEX_MAX_LOCAL {
            self.bytes.truncate(start);
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("an index record of {len} bytes; at most {INDEX_MAX_LOCAL} are supported"),
            ));
        }
        self.ends.push(self.bytes.len());
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, index: usize) -> &[u8] {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.bytes[start..self.ends[index]]
    }

    /// A record as a cell body: its length, then the record.
    fn cell(&self, index: usize) -> Vec<u8> {
        let record = self.get(index);
        let mut cell = Vec::with_capacity(record.len() + 2);
        put_varint(&mut cell, record.len() as u64);
        cell.extend_from_slice(record);
        cell
    }

    /// Write the index b-tree of these records (already in key order); returns its root.
    pub fn write_tree<W: Write>(&self, file: &mut PageFile<W>) -> io::Result<u32> {
        let costs: Vec<usize> = (0..self.len())
            .map(|index| {
                let len = self.get(index).len();
                varint_len(len as u64) + len + 2
            })
            .collect();
        let runs = plan_runs(&costs, PAGE_SIZE - 8);
        if runs.len() <= 1 {
            let mut leaf = PageBuilder::new(Kind::IndexLeaf);
            for index in runs.into_iter().flatten() {
                leaf.add_cell(costs[index] - 2)
                    .copy_from_slice(&self.cell(index));
            }
            return file.append(leaf.finish(None));
        }
        let mut children = Vec::with_capacity(runs.len());
        let mut leaf = PageBuilder::new(Kind::IndexLeaf);
        for run in &runs {
            leaf.clear();
            for index in run.clone() {
                leaf.add_cell(costs[index] - 2)
                    .copy_from_slice(&self.cell(index));
            }
            children.push(file.append(leaf.finish(None))?);
        }
        // The record after each leaf but the last goes up, between that leaf and the next.
        let separators = runs[..runs.len() - 1]
            .iter()
            .map(|run| self.cell(run.end))
            .collect();
        write_interior(file, Kind::IndexInterior, children, separators)
    }
}

/// Write the interior levels above `children`, where `keys[j]` (a cell's body after its
/// child pointer) lies between `children[j]` and `children[j + 1]`; returns the root.
///
/// Each page takes a run of keys as cells `(children[j], keys[j])` and the child after
/// the run as its right child; the key after the run goes up a level, between this page
/// and the next. A table's keys are rowids (the largest under the child); an index's are
/// records, which are then stored only in the interior page.
fn write_interior<W: Write>(
    file: &mut PageFile<W>,
    kind: Kind,
    mut children: Vec<u32>,
    mut keys: Vec<Vec<u8>>,
) -> io::Result<u32> {
    debug_assert_eq!(keys.len() + 1, children.len());
    let mut page = PageBuilder::new(kind);
    while children.len() > 1 {
        let costs: Vec<usize> = keys.iter().map(|key| 4 + key.len() + 2).collect();
        let runs = plan_runs(&costs, PAGE_SIZE - 12);
        let mut parents = Vec::with_capacity(runs.len());
        for run in &runs {
            page.clear();
            for index in run.clone() {
                let cell = page.add_cell(4 + keys[index].len());
                cell[..4].copy_from_slice(&children[index].to_be_bytes());
                cell[4..].copy_from_slice(&keys[index]);
            }
            parents.push(file.append(page.finish(Some(children[run.end])))?);
        }
        let mut promoted: Vec<Vec<u8>> = Vec::with_capacity(runs.len() - 1);
        for run in &runs[..runs.len() - 1] {
            promoted.push(std::mem::take(&mut keys[run.end]));
        }
        children = parents;
        keys = promoted;
    }
    Ok(children[0])
}

/// Cut items of `costs` bytes (cell and pointer) into runs that each fit in `room`, with
/// one item between consecutive runs (it goes up a level). No run is empty; an empty
/// `costs` gives no runs. Any two items must fit in `room` together (index records are
/// at most a quarter page and interior table cells a few bytes).
fn plan_runs(costs: &[usize], room: usize) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < costs.len() {
        let mut end = start;
        let mut used = 0;
        while end < costs.len() && used + costs[end] <= room {
            used += costs[end];
            end += 1;
        }
        assert!(
            end > start,
            "a {}-byte cell is larger than a page",
            costs[start]
        );
        if end == costs.len() {
            runs.push(start..end);
            break;
        }
        if end + 1 == costs.len() {
            // The item that goes up would be the last, leaving an empty run after it:
            // send the run's own last item up instead, and the last item forms a run.
            assert!(end - start >= 2, "cells too large for two to share a page");
            end -= 1;
        }
        runs.push(start..end);
        start = end + 1;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_payload_follows_the_file_format_rules() {
        assert_eq!(INDEX_MAX_LOCAL, 1002);
        assert_eq!(MIN_LOCAL, 489);
        assert_eq!(table_local_len(4061), 4061);
        // Just over: the surplus (489 + 3573) is more than fits, so only the minimum stays.
        assert_eq!(table_local_len(4062), 489);
        // A surplus that fits stays on the page; the rest fills whole overflow pages.
        assert_eq!(table_local_len(489 + 4092 + 3572), 4061);
        assert_eq!(table_local_len(489 + 4092 + 3573), 489);
        assert_eq!(table_local_len(489 + 2 * 4092 + 100), 589);
    }

    fn check_runs(costs: &[usize], room: usize) {
        let runs = plan_runs(costs, room);
        let mut next = 0;
        for (index, run) in runs.iter().enumerate() {
            assert!(!run.is_empty(), "{costs:?}: empty run {index}");
            assert_eq!(run.start, next, "{costs:?}: runs {runs:?}");
            assert!(costs[run.clone()].iter().sum::<usize>() <= room);
            next = run.end + 1;
        }
        assert_eq!(
            next,
            costs.len() + 1,
            "{costs:?}: runs {runs:?} cover every item"
        );
    }

    #[test]
    fn runs_cover_every_item_with_one_between_and_none_empty() {
        assert!(plan_runs(&[], 100).is_empty());
        for len in 1..60 {
            // Every page holds at least two of the largest item, as it does for real cells.
            for room in [14, 15, 19, 20, 21, 30, 35, 40, 1000] {
                check_runs(&vec![5; len], room);
                let mixed: Vec<usize> = (0..len).map(|i| 3 + (i * 7) % 5).collect();
                check_runs(&mixed, room);
            }
        }
    }

    #[test]
    fn the_last_item_never_goes_up_alone() {
        // Three items of a run fill the page exactly; the fourth would go up with nothing
        // after it, so the third goes up and the fourth is a run of its own.
        let runs = plan_runs(&[5, 5, 5, 5], 15);
        assert_eq!(runs, [0..2, 3..4]);
    }
}
