//! Byte offsets -> 1-based line and column (columns count characters, as editors do).

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
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, starts }
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

/// A notes file being parsed: its name, its text and its line index.
pub struct SourceFile<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub lines: LineIndex<'a>,
}

impl<'a> SourceFile<'a> {
    pub fn new(path: &'a Path, text: &'a str) -> Self {
        SourceFile {
            path,
            text,
            lines: LineIndex::new(text),
        }
    }

    pub fn at(&self, offset: usize) -> Location {
        self.lines.location(self.path, offset)
    }
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
    fn line_range_excludes_the_break() {
        let text = "ab\ncd\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_range(4), 3..5);
        assert_eq!(index.line_range(6), 6..6);
        assert_eq!(index.line_starts_in(1..6), &[3]);
    }
}
