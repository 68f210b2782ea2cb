//! Sets of byte ranges: the parts of a card that `%` lines cannot split (code, math, HTML,
//! LaTeX) and the parts cut out of its text (tag lines, id comments).

use std::ops::Range;

/// Byte ranges; after `normalise`, disjoint and sorted.
#[derive(Debug)]
pub struct RangeSet {
    ranges: Vec<Range<usize>>,
    /// True while the ranges are disjoint and in order (pushed in document order, they are).
    sorted: bool,
}

impl Default for RangeSet {
    fn default() -> Self {
        RangeSet {
            ranges: Vec::new(),
            sorted: true,
        }
    }
}

impl RangeSet {
    pub fn push(&mut self, range: Range<usize>) {
        if range.is_empty() {
            return;
        }
        self.sorted &= self
            .ranges
            .last()
            .is_none_or(|last| last.end <= range.start);
        self.ranges.push(range);
    }

    /// Sort and merge overlapping ranges; call before `contains` and `iter`.
    pub fn normalise(&mut self) {
        if self.sorted {
            return;
        }
        self.ranges.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(self.ranges.len());
        for range in self.ranges.drain(..) {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        self.ranges = merged;
        self.sorted = true;
    }

    pub fn contains(&self, offset: usize) -> bool {
        debug_assert!(self.sorted, "normalise before asking");
        let after = self.ranges.partition_point(|r| r.start <= offset);
        after > 0 && offset < self.ranges[after - 1].end
    }

    pub fn iter(&self) -> impl Iterator<Item = &Range<usize>> {
        self.ranges.iter()
    }
}

/// The text of `range` with the cut ranges left out, tidied: blank lines at the start and
/// whitespace at the end go, the first line keeps its indentation (an indented code block
/// stays one). `scratch` is reused between calls; the result has exactly its length as
/// capacity, since a big deck keeps a hundred thousand of them.
pub fn side_text(text: &str, range: Range<usize>, cuts: &RangeSet, scratch: &mut String) -> String {
    scratch.clear();
    let mut from = range.start;
    for cut in cuts.iter() {
        if cut.end <= from {
            continue;
        }
        if cut.start >= range.end {
            break;
        }
        scratch.push_str(&text[from..cut.start.max(from)]);
        from = cut.end.min(range.end);
    }
    scratch.push_str(&text[from..range.end]);
    tidy(scratch).to_owned()
}

fn tidy(text: &str) -> &str {
    let text = text.trim_end();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            break;
        }
        start += line.len();
    }
    &text[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_ranges_merge() {
        let mut set = RangeSet::default();
        set.push(10..20);
        set.push(2..4);
        set.push(15..30);
        set.push(5..5);
        set.normalise();
        assert_eq!(set.iter().cloned().collect::<Vec<_>>(), [2..4, 10..30]);
        assert!(set.contains(2) && set.contains(29));
        assert!(!set.contains(4) && !set.contains(30) && !set.contains(0));
    }

    #[test]
    fn cuts_are_left_out() {
        let mut cuts = RangeSet::default();
        cuts.push(2..4);
        cuts.push(6..20);
        let mut scratch = String::new();
        assert_eq!(side_text("abcdefghij", 1..9, &cuts, &mut scratch), "bef");
        let none = RangeSet::default();
        assert_eq!(
            side_text("abcdefghij", 0..10, &none, &mut scratch),
            "abcdefghij"
        );
    }

    #[test]
    fn tidy_keeps_first_line_indentation() {
        assert_eq!(tidy("\n  \n    code\nmore  \n\n"), "    code\nmore");
        assert_eq!(tidy(" \n\t\n"), "");
    }

    #[test]
    fn side_text_has_no_spare_capacity() {
        let text = "\n\nanswer\n\n\n";
        let side = side_text(
            text,
            0..text.len(),
            &RangeSet::default(),
            &mut String::new(),
        );
        assert_eq!(side, "answer");
        assert_eq!(side.capacity(), side.len());
    }
}
