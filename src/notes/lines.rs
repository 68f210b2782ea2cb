//! Byte offsets -> 1-based line and column (columns count characters, as editors do).

use std::cell::Cell;
use std::ops::Range;
use std::path::Path;

use crate::deck::Location;

/// The start offset of every line of a text, for quick offset -> line lookups.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// The text indexed.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// 1-based line and character column of a byte offset (clamped to the text, and moved
    /// back to a character boundary if it falls inside one).
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let col = self.text[self.starts[line]..offset].chars().count() + 1;
        (to_u32(line + 1), to_u32(col))
    }

    pub fn location(&self, file: &Path, offset: usize) -> Location {
        let (line, col) = self.line_col(offset);
        Location {
            file: file.to_path_buf(),
            line,
            col,
        }
    }

    /// The byte offset of a 1-based line and character column; `None` when out of range.
    pub fn offset(&self, line: u32, col: u32) -> Option<usize> {
        let start = *self.starts.get((line as usize).checked_sub(1)?)?;
        let end = self
            .starts
            .get(line as usize)
            .copied()
            .unwrap_or(self.text.len());
        let within = &self.text[start..end];
        let skip = (col as usize).checked_sub(1)?;
        match within.char_indices().nth(skip) {
            Some((i, _)) => Some(start + i),
            None if within.chars().count() == skip => Some(end),
            None => None,
        }
    }

    /// The byte range of the line holding `offset`, without its line break.
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(self.text.len(), |&next| next - 1);
        start..end
    }

    /// Start offsets of the lines that begin inside `range`.
    pub fn line_starts_in(&self, range: std::ops::Range<usize>) -> &[usize] {
        let first = self.starts.partition_point(|&start| start < range.start);
        let last = self.starts.partition_point(|&start| start < range.end);
        &self.starts[first..last]
    }
}

/// A notes file being parsed: its name and text, and where the last located offset was.
///
/// Offsets are located with a cursor that moves from the last one, not with a table of
/// every line: the parser asks for places in document order, and a table for a 30 MB file
/// would take 8 MB for nothing.
pub struct SourceFile<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    /// Start offset and 1-based number of the line the last located offset was on.
    cursor: Cell<(usize, u32)>,
}

impl<'a> SourceFile<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        SourceFile {
            path,
            text,
            cursor: Cell::new((0, 1)),
        }
    }

    pub fn at(&self, offset: usize) -> Location {
        let (line, col) = self.line_col(offset);
        Location {
            file: self.path.to_path_buf(),
            line,
            col,
        }
    }

    /// 1-based line and character column of a byte offset (clamped to the text, and moved
    /// back to a character boundary if it falls inside one).
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (mut start, mut line) = self.cursor.get();
        if offset >= start {
            let passed = &self.text.as_bytes()[start..offset];
            line = line.saturating_add(count_newlines(passed));
            if let Some(last) = memchr::memrchr(b'\n', passed) {
                start += last + 1;
            }
        } else {
            let passed = &self.text.as_bytes()[offset..start];
            line = line.saturating_sub(count_newlines(passed)).max(1);
            start = self.line_start(offset);
        }
        self.cursor.set((start, line));
        let col = self.text[start..offset].chars().count() + 1;
        (line, to_u32(col))
    }

    fn line_start(&self, offset: usize) -> usize {
        memchr::memrchr(b'\n', &self.text.as_bytes()[..offset]).map_or(0, |i| i + 1)
    }

    /// The byte range of the line holding `offset`, without its line break.
    pub fn line_range(&self, offset: usize) -> Range<usize> {
        let offset = offset.min(self.text.len());
        let start = self.line_start(offset);
        let end = memchr::memchr(b'\n', &self.text.as_bytes()[offset..])
            .map_or(self.text.len(), |i| offset + i);
        start..end
    }
}

fn count_newlines(bytes: &[u8]) -> u32 {
    to_u32(memchr::memchr_iter(b'\n', bytes).count())
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "ab\nçd e\n\nx";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(0), (1, 1));
        assert_eq!(index.line_col(2), (1, 3));
        assert_eq!(index.line_col(3), (2, 1));
        // 'ç' is two bytes: "d" is the second character.
        assert_eq!(index.line_col(5), (2, 2));
        assert_eq!(index.line_col(10), (4, 1));
        assert_eq!(index.line_col(99), (4, 2));
    }

    #[test]
    fn offset_inverts_line_col() {
        let text = "ab\nçd e\n\nx";
        let index = LineIndex::new(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let (line, col) = index.line_col(offset);
            assert_eq!(index.offset(line, col), Some(offset), "offset {offset}");
        }
        assert_eq!(index.offset(0, 1), None);
        assert_eq!(index.offset(9, 1), None);
        assert_eq!(index.offset(1, 9), None);
    }

    #[test]
    fn the_cursor_agrees_with_the_index_in_any_order() {
        let text = "ab\nçd e\n\nx\n";
        let index = LineIndex::new(text);
        let source = SourceFile::new(Path::new("a.md"), text);
        let offsets = [5, 0, 12, 3, 3, 10, 1, 9, 7, 99, 4];
        for offset in offsets {
            assert_eq!(
                source.line_col(offset),
                index.line_col(offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn line_range_excludes_the_break() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_range(4), 3..5);
        assert_eq!(index.line_range(6), 6..6);
        assert_eq!(index.line_starts_in(1..6), &[3]);
    }
}
