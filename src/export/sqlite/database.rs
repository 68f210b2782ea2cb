//! A whole database file: its tables and indexes, the schema table on page 1 that names
//! their root pages, and the 100-byte file header (file format §1.3, §2.6).

use std::io::{self, Write};

use super::btree::{IndexRecords, TableTree};
use super::pages::{Kind, PAGE_SIZE, PageBuilder, PageFile};
use super::record::{Value, encode, varint_len, write_varint};

/// Page 1 of a database file.
pub type FirstPage = Box<[u8; PAGE_SIZE]>;

struct SchemaRow {
    kind: &'static str,
    name: &'static str,
    table: &'static str,
    root: u32,
    sql: &'static str,
}

/// A database being written to `W`, page 2 onwards: trees are added whole or streamed
/// into [`Database::pages`]; [`Database::finish`] gives back page 1.
pub struct Database<W> {
    pages: PageFile<W>,
    schema: Vec<SchemaRow>,
}

impl<W: Write> Database<W> {
    pub fn new(out: W) -> Database<W> {
        Database {
            pages: PageFile::new(out),
            schema: Vec::new(),
        }
    }

    /// The file, for streaming rows into a [`TableTree`].
    pub fn pages(&mut self) -> &mut PageFile<W> {
        &mut self.pages
    }

    /// Finish `tree` as the table `name`, created by `sql` (`CREATE TABLE name (...)`).
    pub fn add_table(
        &mut self,
        name: &'static str,
        sql: &'static str,
        tree: TableTree,
    ) -> io::Result<()> {
        let root = tree.finish(&mut self.pages)?;
        self.schema.push(SchemaRow {
            kind: "table",
            name,
            table: name,
            root,
            sql,
        });
        Ok(())
    }

    /// Write the index `name` on `table` (created by `sql`) from its records in key order.
    /// Each record is the indexed columns followed by the row's rowid.
    pub fn add_index(
        &mut self,
        name: &'static str,
        table: &'static str,
        sql: &'static str,
        records: &IndexRecords,
    ) -> io::Result<()> {
        let root = records.write_tree(&mut self.pages)?;
        self.schema.push(SchemaRow {
            kind: "index",
            name,
            table,
            root,
            sql,
        });
        Ok(())
    }

    /// Page 1 (the file header and the schema table), to go before everything written
    /// to the output, which is returned with it.
    pub fn finish(self) -> io::Result<(W, FirstPage)> {
        let mut page = PageBuilder::first_page(Kind::TableLeaf);
        let mut record = Vec::new();
        for (index, row) in self.schema.iter().enumerate() {
            record.clear();
            let len = encode(
                &[
                    Value::Text(row.kind),
                    Value::Text(row.name),
                    Value::Text(row.table),
                    Value::Int(i64::from(row.root)),
                    Value::Text(row.sql),
                ],
                &mut record,
            );
            let rowid = index as u64 + 1;
            let cell_len = varint_len(len as u64) + varint_len(rowid) + len;
            if !page.fits(cell_len) {
                return Err(io::Error::other(
                    "the schema does not fit on the first page",
                ));
            }
            let cell = page.add_cell(cell_len);
            let at = write_varint(cell, len as u64);
            let at = at + write_varint(&mut cell[at..], rowid);
            cell[at..].copy_from_slice(&record);
        }
        let page_count = self.pages.page_count();
        let schema_cookie = self.schema.len() as u32;
        let mut first = Box::new(*page.finish(None));
        first[..100].copy_from_slice(&file_header(page_count, schema_cookie));
        Ok((self.pages.into_inner(), first))
    }
}

/// The file header as SQLite writes it for a rollback-journal database in UTF-8.
fn file_header(page_count: u32, schema_cookie: u32) -> [u8; 100] {
    let mut header = [0u8; 100];
    header[..16].copy_from_slice(b"SQLite format 3\0");
    header[16..18].copy_from_slice(&(PAGE_SIZE as u16).to_be_bytes());
    header[18] = 1; // write version: rollback journal
    header[19] = 1; // read version
    header[20] = 0; // bytes reserved at the end of each page
    header[21] = 64; // maximum embedded payload fraction
    header[22] = 32; // minimum embedded payload fraction
    header[23] = 32; // leaf payload fraction
    let change_counter = 1u32;
    header[24..28].copy_from_slice(&change_counter.to_be_bytes());
    header[28..32].copy_from_slice(&page_count.to_be_bytes());
    // 32..40: no freelist.
    header[40..44].copy_from_slice(&schema_cookie.to_be_bytes());
    header[44..48].copy_from_slice(&4u32.to_be_bytes()); // schema format 4
    // 48..56: default cache size, no auto-vacuum root.
    header[56..60].copy_from_slice(&1u32.to_be_bytes()); // UTF-8
    // 60..92: user version, incremental vacuum, application id, reserved: all zero.
    // The page count above is valid for this change counter.
    header[92..96].copy_from_slice(&change_counter.to_be_bytes());
    let version = u32::try_from(rusqlite::version_number()).unwrap_or(0);
    header[96..100].copy_from_slice(&version.to_be_bytes());
    header
}
