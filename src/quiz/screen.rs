//! The full-screen layout, pure: a page (the counts line and the question pinned at the
//! top, the rest of the card in a scrolling body, the prompt, keys and messages pinned at
//! the bottom) laid out on a terminal of any size. What does not fit scrolls, with a mark
//! saying how much is above or below; a scenario card's verdict, scrolled out of sight,
//! shows in the footer instead. Widths are display columns (CJK and emoji take two,
//! combining marks none).

use unicode_segmentation::UnicodeSegmentation;

use super::styled::{Line, Span, columns, palette};

/// What a screen shows, before it is fitted to a size.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The counts line.
    pub header: Vec<Line>,
    /// The question: stays in sight (as much of it as the screen allows; the rest leads the
    /// body).
    pub question: Vec<Line>,
    /// The rest of the card: scrolls.
    pub body: Vec<Line>,
    /// Where the answer starts in `body`: a revealed answer that does not fit scrolls there.
    pub answer_at: Option<usize>,
    /// A scenario card's verdict: where it is in `body`, and the line that stands for it in
    /// the footer while it is scrolled out of sight.
    pub verdict: Option<(usize, Line)>,
    /// A message about what just happened, over the footer (cut first when room is short).
    pub notice: Vec<Line>,
    /// The prompt and keys, at the bottom.
    pub footer: Vec<Line>,
}

/// A page fitted to the screen.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// Exactly the screen's height in rows, each at most its width.
    pub rows: Vec<Line>,
    /// The scroll position actually used (clamped).
    pub offset: usize,
    /// The largest useful scroll position.
    pub max_offset: usize,
    /// Body lines in sight at once (for a page up or down).
    pub body_rows: usize,
    /// Where the answer starts in the laid-out body (after wrapping), if there is one.
    pub answer_at: Option<usize>,
}

/// A scroll request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScrollBy {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

/// The scroll position after `by`, for a frame laid out at `frame`. The end is
/// `usize::MAX`: the layout clamps it to wherever the end is then (a verdict moving into
/// the footer can move it).
pub fn scrolled(frame: &Frame, by: ScrollBy) -> usize {
    let page = frame.body_rows.saturating_sub(1).max(1);
    let offset = match by {
        ScrollBy::Up => frame.offset.saturating_sub(1),
        ScrollBy::Down => frame.offset + 1,
        ScrollBy::PageUp => frame.offset.saturating_sub(page),
        ScrollBy::PageDown => frame.offset + page,
        ScrollBy::Home => 0,
        ScrollBy::End => return usize::MAX,
    };
    offset.min(frame.max_offset)
}

/// Display columns of a line.
pub fn line_columns(line: &Line) -> usize {
    line.iter().map(|s| columns(&s.text)).sum()
}

/// Cut `line` to `width` columns, ending in `…` when something was cut.
pub fn clip(line: &Line, width: usize) -> Line {
    if line_columns(line) <= width {
        return line.clone();
    }
    let mut out = Vec::new();
    let mut used = 0;
    let room = width.saturating_sub(1);
    'spans: for span in line {
        let mut text = String::new();
        for grapheme in span.text.graphemes(true) {
            let w = columns(grapheme);
            if used + w > room {
                if !text.is_empty() {
                    out.push(Span::new(text, span.style));
                }
                break 'spans;
            }
            used += w;
            text.push_str(grapheme);
        }
        out.push(Span::new(text, span.style));
    }
    if width > 0 {
        out.push(Span::new("…", palette::DIM));
    }
    out
}

/// Break `line` into rows of at most `width` columns, for lines a renderer could not wrap
/// to the width (a log grid, a long message): at the last space that leaves the row at
/// least half full, else between characters; continuation rows keep the line's indent.
pub fn fold(line: &Line, width: usize) -> Vec<Line> {
    let width = width.max(1);
    if line_columns(line) <= width {
        return vec![line.clone()];
    }
    // The line as styled graphemes.
    let mut cells: Vec<(&str, anstyle::Style)> = line
        .iter()
        .flat_map(|span| span.text.graphemes(true).map(move |g| (g, span.style)))
        .collect();
    // A rule (`── timeline ─────`) is cut to the width rather than folded.
    let mut fitting = 0;
    let mut used = 0;
    while fitting < cells.len() && used + columns(cells[fitting].0) <= width {
        used += columns(cells[fitting].0);
        fitting += 1;
    }
    if cells[fitting..].iter().all(|(g, _)| *g == "─") {
        cells.truncate(fitting);
        return vec![styled_cells(&cells)];
    }
    let indent = cells
        .iter()
        .take_while(|(g, _)| *g == " ")
        .count()
        .min(width / 2);
    let mut rows = Vec::new();
    let mut start = 0;
    let mut lead = 0;
    while start < cells.len() {
        // How far this row can go.
        let mut used = lead;
        let mut end = start;
        while end < cells.len() && used + columns(cells[end].0) <= width {
            used += columns(cells[end].0);
            end += 1;
        }
        if end == start {
            end = start + 1;
        }
        if end < cells.len() && cells[end].0 != " " {
            let floor = start + (end - start) / 2;
            if let Some(space) = (floor..end).rev().find(|&i| cells[i].0 == " ") {
                end = space + 1;
            }
        }
        let mut row: Line = Vec::new();
        if lead > 0 {
            row.push(Span::plain(" ".repeat(lead)));
        }
        row.extend(styled_cells(&cells[start..end]));
        while let Some(last) = row.last_mut() {
            let kept = last.text.trim_end().len();
            last.text.truncate(kept);
            if !last.text.is_empty() {
                break;
            }
            row.pop();
        }
        rows.push(row);
        start = end;
        while start < cells.len() && cells[start].0 == " " {
            start += 1;
        }
        lead = indent + 2;
    }
    rows
}

/// Styled graphemes back into spans, neighbours of one style joined.
fn styled_cells(cells: &[(&str, anstyle::Style)]) -> Line {
    let mut line: Line = Vec::new();
    for &(grapheme, style) in cells {
        match line.last_mut() {
            Some(span) if span.style == style => span.text.push_str(grapheme),
            _ => line.push(Span::new(grapheme, style)),
        }
    }
    line
}

/// Wrap a key line ("1 Again 1m   2 Hard 6m   ...") at its gaps of three spaces, so each
/// key stays whole.
pub fn wrap_keys(line: &Line, width: usize) -> Vec<Line> {
    // Split into groups at "   " gaps, keeping styles.
    let mut groups: Vec<Line> = vec![Vec::new()];
    for span in line {
        let mut parts = span.text.split("   ").peekable();
        while let Some(part) = parts.next() {
            if !part.is_empty() {
                groups
                    .last_mut()
                    .expect("one group at least")
                    .push(Span::new(part, span.style));
            }
            if parts.peek().is_some() {
                groups.push(Vec::new());
            }
        }
    }
    let mut rows: Vec<Line> = Vec::new();
    let mut row: Line = Vec::new();
    let mut used = 0;
    for group in groups.into_iter().filter(|g| !g.is_empty()) {
        let w = line_columns(&group);
        if used > 0 && used + 3 + w > width {
            rows.push(std::mem::take(&mut row));
            used = 0;
        }
        if used > 0 {
            row.push(Span::plain("   "));
            used += 3;
        }
        used += w;
        row.extend(group);
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows.into_iter().flat_map(|r| fold(&r, width)).collect()
}

/// The mark over or under a body that does not fit.
fn mark(text: String) -> Line {
    vec![Span::new(text, palette::DIM)]
}

/// Lay `page` out on a `width` x `height` screen, scrolled to `offset`.
pub fn layout(page: &Page, offset: usize, width: usize, height: usize) -> Frame {
    let first = fit(page, offset, width, height, false);
    let hidden = page.verdict.as_ref().is_some_and(|(at, _)| {
        let at = first.body_index(*at);
        at < first.frame.offset || at >= first.frame.offset + first.content_rows
    });
    if hidden {
        fit(page, offset, width, height, true).frame
    } else {
        first.frame
    }
}

struct Fitted {
    frame: Frame,
    /// Body lines shown (the marks not counted).
    content_rows: usize,
    /// For each page body line, where its first row is in the laid-out body.
    starts: Vec<usize>,
}

impl Fitted {
    fn body_index(&self, page_index: usize) -> usize {
        self.starts.get(page_index).copied().unwrap_or(usize::MAX)
    }
}

fn fit(page: &Page, offset: usize, width: usize, height: usize, show_verdict: bool) -> Fitted {
    let width = width.max(1);
    let height = height.max(1);
    // The footer: at most half the screen. The prompt and keys come first, then the
    // verdict standing in for the body's, then as much of the notice as fits.
    let room = (height / 2).max(1);
    let keys: Vec<Line> = page.footer.iter().flat_map(|l| fold(l, width)).collect();
    let keys = &keys[keys.len().saturating_sub(room)..];
    let verdict: Vec<Line> = match &page.verdict {
        Some((_, line)) if show_verdict && keys.len() < room => fold(line, width),
        _ => Vec::new(),
    };
    let verdict = &verdict[..verdict.len().min(room - keys.len())];
    let notice: Vec<Line> = page.notice.iter().flat_map(|l| fold(l, width)).collect();
    let notice_room = room - keys.len() - verdict.len();
    let mut footer: Vec<Line> = verdict.to_vec();
    footer.extend(notice.into_iter().take(notice_room));
    footer.extend(keys.iter().cloned());
    let header: Vec<Line> = if height >= 6 {
        page.header.iter().take(1).map(|l| clip(l, width)).collect()
    } else {
        Vec::new()
    };
    // The question: as much as leaves the body a few rows; the rest leads the body.
    let question: Vec<Line> = page.question.iter().flat_map(|l| fold(l, width)).collect();
    let free = height.saturating_sub(header.len() + footer.len());
    let question_cap = if free >= 6 {
        (free - 3).min(free * 2 / 3).max(1)
    } else {
        free.min(1)
    };
    let pinned = question.len().min(question_cap);
    let gap = usize::from(free >= pinned + 4 && pinned > 0);
    // The body: the question's overflow, then the page body, folded to the width.
    let mut body: Vec<Line> = question[pinned..].to_vec();
    let lead = body.len();
    let mut starts = Vec::with_capacity(page.body.len());
    for line in &page.body {
        starts.push(body.len());
        body.extend(fold(line, width));
    }
    let answer_at = page
        .answer_at
        .map(|at| starts.get(at).copied().unwrap_or(lead));
    let rows = free.saturating_sub(pinned + gap);
    let (offset, max_offset, content, above, below) = scroll(body.len(), rows, offset);
    let mut screen: Vec<Line> = header;
    screen.extend(question[..pinned].iter().cloned());
    if gap == 1 {
        screen.push(Vec::new());
    }
    if above > 0 {
        screen.push(mark(format!(
            "▲ {above} more line{} above (↑ k PgUp Home)",
            plural(above)
        )));
    }
    screen.extend(body.iter().skip(offset).take(content).cloned());
    if below > 0 {
        screen.push(mark(format!(
            "▼ {below} more line{} below (↓ j PgDn End)",
            plural(below)
        )));
    }
    while screen.len() + footer.len() < height {
        screen.push(Vec::new());
    }
    screen.extend(footer);
    screen.truncate(height);
    let rows_out = screen.iter().map(|l| clip(l, width)).collect();
    Fitted {
        frame: Frame {
            rows: rows_out,
            offset,
            max_offset,
            body_rows: content.max(1),
            answer_at,
        },
        content_rows: content,
        starts,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Fit `total` body lines in `rows` rows from `offset`: (offset, max offset, lines shown,
/// lines above, lines below). Marks take a row each when a body does not fit (and the
/// screen has three rows or more for it).
fn scroll(total: usize, rows: usize, offset: usize) -> (usize, usize, usize, usize, usize) {
    if total <= rows {
        return (0, 0, total, 0, 0);
    }
    if rows < 3 {
        let max = total - rows;
        let offset = offset.min(max);
        return (offset, max, rows, 0, 0);
    }
    // At the end only the "above" mark shows.
    let max = total - (rows - 1);
    let offset = offset.min(max);
    let mut content = rows - usize::from(offset > 0);
    if offset + content < total {
        content -= 1;
    }
    let below = total - offset - content;
    (offset, max, content, offset, below)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::styled::line_text;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts.iter().map(|t| vec![Span::plain(*t)]).collect()
    }

    fn text(frame: &Frame) -> Vec<String> {
        frame.rows.iter().map(line_text).collect()
    }

    fn page(body: usize) -> Page {
        let body: Vec<String> = (1..=body).map(|i| format!("line {i}")).collect();
        Page {
            header: lines(&["── 1 new"]),
            question: lines(&["Question?"]),
            body: body.iter().map(|t| vec![Span::plain(t.clone())]).collect(),
            answer_at: Some(0),
            verdict: None,
            notice: Vec::new(),
            footer: lines(&["keys"]),
        }
    }

    #[test]
    fn a_page_that_fits_has_no_marks_and_the_footer_at_the_bottom() {
        let frame = layout(&page(3), 0, 40, 10);
        assert_eq!(
            text(&frame),
            [
                "── 1 new",
                "Question?",
                "",
                "line 1",
                "line 2",
                "line 3",
                "",
                "",
                "",
                "keys"
            ]
        );
        assert_eq!(frame.max_offset, 0);
    }

    #[test]
    fn a_long_body_scrolls_between_marks_and_the_question_stays() {
        let top = layout(&page(20), 0, 60, 10);
        let rows = text(&top);
        assert_eq!(rows[1], "Question?");
        assert_eq!(rows[3], "line 1");
        assert_eq!(rows[8], "▼ 15 more lines below (↓ j PgDn End)");
        assert_eq!(rows[9], "keys");
        let down = layout(&page(20), scrolled(&top, ScrollBy::PageDown), 60, 10);
        let rows = text(&down);
        assert_eq!(rows[1], "Question?", "pinned while scrolling");
        assert!(rows[3].starts_with("▲ 4 more lines above"), "{rows:?}");
        assert_eq!(rows[4], "line 5");
        let end = layout(&page(20), scrolled(&down, ScrollBy::End), 60, 10);
        let rows = text(&end);
        assert_eq!(rows[8], "line 20", "{rows:?}");
        assert!(rows[3].starts_with("▲ 15 more lines above"), "{rows:?}");
        assert_eq!(scrolled(&end, ScrollBy::Down), end.offset, "no further");
        assert_eq!(layout(&page(20), usize::MAX, 60, 10), end);
        assert_eq!(scrolled(&end, ScrollBy::Home), 0);
    }

    #[test]
    fn a_verdict_scrolled_out_of_sight_shows_in_the_footer() {
        let mut page = page(30);
        page.verdict = Some((2, vec![Span::plain("✗ wrong: the answer is no")]));
        let top = layout(&page, 0, 60, 12);
        assert_eq!(
            text(&top).iter().filter(|r| r.contains("✗ wrong")).count(),
            0,
            "line 3 stands for the verdict and is in sight"
        );
        let scrolled_down = layout(&page, 10, 60, 12);
        let rows = text(&scrolled_down);
        assert!(
            rows.iter().any(|r| r == "✗ wrong: the answer is no"),
            "{rows:?}"
        );
        assert_eq!(rows.len(), 12);
    }

    #[test]
    fn rows_never_exceed_the_width_in_display_columns() {
        let mut page = page(2);
        page.question = lines(&["日本語の質問はここにありますか、それとも別の場所ですか？"]);
        page.body.push(vec![Span::plain(
            "🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉🎉 e\u{301}te\u{301}",
        )]);
        let frame = layout(&page, 0, 20, 15);
        for row in &frame.rows {
            assert!(line_columns(row) <= 20, "{:?}", line_text(row));
        }
        let all = text(&frame).join("\n");
        assert!(all.contains("日本語の質問はここに"), "{all}");
        assert!(
            all.contains("e\u{301}te\u{301}"),
            "combining marks stay on their letter: {all}"
        );
    }

    #[test]
    fn long_rows_fold_at_a_space_with_the_line_indent() {
        let line = vec![
            Span::plain(" 1 crashed   t3"),
            Span::plain(" commit 4  voted 1  nextIndex 2:4 3:5  matchIndex 2:3 3:4"),
        ];
        let rows: Vec<String> = fold(&line, 40).iter().map(line_text).collect();
        assert_eq!(
            rows,
            [
                " 1 crashed   t3 commit 4  voted 1",
                "   nextIndex 2:4 3:5  matchIndex 2:3 3:4"
            ]
        );
        assert!(rows.iter().all(|r| columns(r) <= 40));
        let rule = vec![Span::plain(format!("── timeline {}", "─".repeat(60)))];
        let rows: Vec<String> = fold(&rule, 20).iter().map(line_text).collect();
        assert_eq!(
            rows,
            [format!("── timeline {}", "─".repeat(8))],
            "a rule is cut"
        );
    }

    #[test]
    fn a_tiny_screen_still_shows_the_question_and_the_keys() {
        let frame = layout(&page(20), 0, 30, 4);
        let rows = text(&frame);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], "Question?");
        assert_eq!(rows[3], "keys");
    }

    #[test]
    fn keys_wrap_whole_at_their_gaps() {
        let keys = vec![
            Span::plain("1 Again"),
            Span::plain(" 1m"),
            Span::plain("   "),
            Span::plain("2 Hard"),
            Span::plain(" 6m"),
            Span::plain("   u undo   s bury"),
        ];
        let rows: Vec<String> = wrap_keys(&keys, 22).iter().map(line_text).collect();
        assert_eq!(rows, ["1 Again 1m   2 Hard 6m", "u undo   s bury"]);
    }
}
