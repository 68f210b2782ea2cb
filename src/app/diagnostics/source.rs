//! A notes file as miette reads it for a snippet, in time that does not grow with the file.
//!
//! miette's own `SourceCode` for text finds a span's lines by scanning the text from its
//! first byte, so rendering N findings of one file took O(N × file size): 4,000 findings in
//! a 2 MB file took 5.6 s. This one finds the line a few lines above the span with the
//! file's line index, hands miette the text from there, and shifts what miette reports
//! (offsets, line numbers) back into the whole file's terms: the snippet is the one miette
//! would draw from the whole text, byte for byte.

use std::fmt;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::notes::LineIndex;

/// One file's text, its name in messages and its line index.
pub struct IndexedSource<'s> {
    name: String,
    text: &'s str,
    lines: LineIndex<'s>,
    /// miette also ends a line at a `\r` without a `\n` (the line index does not): in such
    /// a rare file, line numbers are counted by miette from the start, as before.
    lone_cr: bool,
}

impl<'s> IndexedSource<'s> {
    pub fn new(name: String, text: &'s str) -> Self {
        let bytes = text.as_bytes();
        let lone_cr = memchr::memchr_iter(b'\r', bytes).any(|at| bytes.get(at + 1) != Some(&b'\n'));
        IndexedSource {
            name,
            text,
            lines: LineIndex::new(text),
            lone_cr,
        }
    }

    pub fn lines(&self) -> &LineIndex<'s> {
        &self.lines
    }

    /// The start offset and 0-based number of a line above the one holding `offset`: one
    /// more than the `before` lines of context (the first line when there are fewer), so
    /// that miette never sees the span at the start of what it reads unless it is at the
    /// start of the file (it reads an empty span there as ending before it starts).
    fn context_start(&self, offset: usize, before: usize) -> (usize, usize) {
        if self.lone_cr {
            return (0, 0);
        }
        let (line, _) = self.lines.line_col(offset);
        let first = (line as usize).saturating_sub(before + 1).max(1);
        let start = u32::try_from(first)
            .ok()
            .and_then(|first| self.lines.offset(first, 1))
            .unwrap_or(0);
        (start, first - 1)
    }
}

impl fmt::Debug for IndexedSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexedSource")
            .field("name", &self.name)
            .field("bytes", &self.text.len())
            .finish()
    }
}

impl SourceCode for IndexedSource<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let (start, first_line) = self.context_start(span.offset(), context_lines_before);
        let local = SourceSpan::new((span.offset() - start).into(), span.len());
        let tail: &'a str = &self.text[start..];
        let contents = tail.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + start).into(),
                contents.span().len(),
            ),
            contents.line() + first_line,
            contents.column(),
            contents.line_count() + first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What miette reads from the whole text, as comparable values.
    fn read(
        source: &dyn SourceCode,
        span: (usize, usize),
        around: usize,
    ) -> Option<(Vec<u8>, usize, usize, usize, usize, usize)> {
        let contents = source.read_span(&span.into(), around, around).ok()?;
        Some((
            contents.data().to_vec(),
            contents.span().offset(),
            contents.span().len(),
            contents.line(),
            contents.column(),
            contents.line_count(),
        ))
    }

    #[test]
    fn every_span_reads_as_from_the_whole_text() {
        let texts = [
            "## Q\nA\n\n## R\n[#t] x\nmore\n",
            "one line, no newline",
            "a\r\nb\r\n\r\nc\r\nd",
            "é\nàb\n\n\nlast\n",
            "",
            "\n\n\n",
            "lone\rcarriage\rreturns\nhere\n",
        ];
        for text in texts {
            let indexed = IndexedSource::new("f.md".to_owned(), text);
            let boundaries: Vec<usize> = (0..=text.len())
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            for &offset in &boundaries {
                for &end in boundaries.iter().filter(|&&end| end >= offset) {
                    for around in [0, 1, 2] {
                        assert_eq!(
                            read(&indexed, (offset, end - offset), around),
                            read(&text, (offset, end - offset), around),
                            "{text:?} span {offset}..{end} around {around}"
                        );
                    }
                }
            }
            assert!(read(&indexed, (text.len() + 1, 0), 1).is_none());
        }
    }

    proptest::proptest! {
        #[test]
        fn random_spans_read_as_from_the_whole_text(
            text in "[ab\n\ré#]{0,60}",
            from in 0usize..64,
            len in 0usize..16,
            around in 0usize..3,
        ) {
            let from = from.min(text.len());
            let from = (0..=from).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let indexed = IndexedSource::new("f.md".to_owned(), &text);
            proptest::prop_assert_eq!(
                read(&indexed, (from, len), around),
                read(&text.as_str(), (from, len), around)
            );
        }
    }

    #[test]
    fn contents_are_named() {
        let indexed = IndexedSource::new("notes/f.md".to_owned(), "## Q\nA\n");
        let contents = indexed.read_span(&(5, 1).into(), 1, 1).unwrap();
        assert_eq!(contents.name(), Some("notes/f.md"));
    }
}
