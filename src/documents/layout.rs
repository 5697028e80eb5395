//! A small page-layout engine over printpdf's page operations, which do not wrap text themselves: words
//! are measured with the font's advances and wrapped into lines; tables split across pages row by row (and
//! a row taller than a page line by line), repeating their header; every page gets a running header and
//! "стр. N из M" once the page count is known.
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfFontHandle, PdfPage, Point, Pt, Rect, Rgb,
    TextItem,
};
use sha2::{Digest, Sha256};

pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
pub const LEFT: f32 = 56.7;
pub const RIGHT: f32 = 42.5;
const TOP: f32 = 62.0;
const BOTTOM: f32 = 56.7;
pub const WIDTH: f32 = PAGE_W - LEFT - RIGHT;
const PAD: f32 = 3.5;

/// A face: the parsed font (for measuring) and its id in the document (for drawing).
pub struct Face {
    pub font: ParsedFont,
    pub id: FontId,
}

impl Face {
    /// The width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        self.points(self.units(text), size)
    }

    /// The advances of `text`, in font units: they add up, so a line's width grows word by word.
    fn units(&self, text: &str) -> u32 {
        text.chars().map(|c| self.char_units(c)).sum()
    }

    fn char_units(&self, c: char) -> u32 {
        let upm = u32::from(self.font.font_metrics.units_per_em.max(1));
        self.font
            .lookup_glyph_index(c as u32)
            .map(|g| u32::from(self.font.get_horizontal_advance(g)))
            .unwrap_or(upm / 2)
    }

    fn points(&self, units: u32, size: f32) -> f32 {
        units as f32 * size / f32::from(self.font.font_metrics.units_per_em.max(1))
    }

    /// Breaks `text` into lines no wider than `max` at spaces (never at a no-break space); explicit newlines are
    /// kept, over-long words are cut. Each word is measured once and added to its line's width.
    pub fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let space = self.char_units(' ');
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_units = 0;
            // A no-break space (inside «Орлов В. А.») joins its neighbours into one word, and «№» always goes
            // with its number.
            let mut words: Vec<String> = Vec::new();
            for w in paragraph.split(|c: char| c.is_whitespace() && c != '\u{a0}').filter(|w| !w.is_empty()) {
                match words.last_mut() {
                    Some(last) if last.ends_with('№') => {
                        last.push('\u{a0}');
                        last.push_str(w);
                    }
                    _ => words.push(w.to_string()),
                }
            }
            for word in words.iter().map(String::as_str) {
                let word_units = self.units(word);
                let candidate = if line.is_empty() { word_units } else { line_units + space + word_units };
                if self.points(candidate, size) <= max {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_units = candidate;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_units = 0;
                }
                for c in word.chars() {
                    let c_units = self.char_units(c);
                    if !line.is_empty() && self.points(line_units + c_units, size) > max {
                        lines.push(std::mem::take(&mut line));
                        line_units = 0;
                    }
                    line.push(c);
                    line_units += c_units;
                }
            }
            lines.push(line);
        }
        lines
    }
}

#[derive(Clone, Copy)]
pub enum Weight {
    Regular,
    Bold,
}

/// Where something was placed, in PDF user space (points from the bottom-left corner).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placed {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// A page's size and margins, in points.
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub w: f32,
    pub h: f32,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
}

impl Sheet {
    /// The text width between the margins.
    pub fn width(&self) -> f32 {
        self.w - self.left - self.right
    }

    /// A page of `w_mm` × `h_mm` with even margins of `margin_mm`.
    pub fn mm(w_mm: f32, h_mm: f32, margin_mm: f32) -> Sheet {
        let m = margin_mm * PT_PER_MM;
        Sheet { w: w_mm * PT_PER_MM, h: h_mm * PT_PER_MM, left: m, right: m, top: m, bottom: m }
    }
}

pub const PT_PER_MM: f32 = 72.0 / 25.4;
pub const A4: Sheet = Sheet { w: PAGE_W, h: PAGE_H, left: LEFT, right: RIGHT, top: TOP, bottom: BOTTOM };

pub struct Layout<'f> {
    sheet: Sheet,
    regular: &'f Face,
    bold: &'f Face,
    pages: Vec<Vec<Op>>,
    /// Distance from the top edge of the current page to the next free line.
    y: f32,
}

fn grey(level: f32) -> Color {
    Color::Rgb(Rgb { r: level, g: level, b: level, icc_profile: None })
}

fn line_ops(x1: f32, y1: f32, x2: f32, y2: f32) -> Op {
    let p = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(y) }, bezier: false };
    Op::DrawLine { line: Line { points: vec![p(x1, y1), p(x2, y2)], is_closed: false } }
}

impl<'f> Layout<'f> {
    /// A layout on A4 pages.
    pub fn new(regular: &'f Face, bold: &'f Face) -> Self {
        Layout::on(A4, regular, bold)
    }

    /// A layout on pages of `sheet` (a label printer's label, say).
    pub fn on(sheet: Sheet, regular: &'f Face, bold: &'f Face) -> Self {
        Layout { regular, bold, pages: vec![Vec::new()], y: sheet.top, sheet }
    }

    fn face(&self, w: Weight) -> &'f Face {
        match w {
            Weight::Regular => self.regular,
            Weight::Bold => self.bold,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    pub fn page(&self) -> usize {
        self.pages.len() - 1
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = self.sheet.top;
    }

    fn room(&self) -> f32 {
        self.sheet.h - self.sheet.bottom - self.y
    }

    /// Starts a new page unless `height` fits on this one.
    pub fn ensure(&mut self, height: f32) {
        if height > self.room() && self.y > self.sheet.top {
            self.new_page();
        }
    }

    /// Distance from the top edge of the page to the next free line.
    pub fn top(&self) -> f32 {
        self.y
    }

    /// A wrapped block of text at an explicit position on the current page (beside a figure).
    /// Text at a place of its own (beside a QR code), wrapped to `width`; returns the height it took.
    pub fn text_beside(&mut self, x: f32, top: f32, width: f32, text: &str, size: f32) -> f32 {
        self.text_beside_in(x, top, width, text, size, Weight::Regular)
    }

    pub fn text_beside_in(&mut self, x: f32, top: f32, width: f32, text: &str, size: f32, w: Weight) -> f32 {
        let lines = self.face(w).wrap(text, size, width);
        for (i, line) in lines.iter().enumerate() {
            self.text_at(x, top + i as f32 * size * 1.3, line, size, w);
        }
        lines.len() as f32 * size * 1.3
    }

    pub fn sheet(&self) -> Sheet {
        self.sheet
    }

    pub fn space(&mut self, height: f32) {
        self.y += height;
    }

    /// One line of text whose top is `top` points below the page's top edge.
    fn text_ops(&self, x: f32, top: f32, text: &str, size: f32, w: Weight) -> [Op; 5] {
        let id = self.face(w).id.clone();
        let baseline = self.sheet.h - top - size;
        [
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(id), size: Pt(size) },
            Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(baseline) } },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]
    }

    fn text_at(&mut self, x: f32, top: f32, text: &str, size: f32, w: Weight) {
        let ops = self.text_ops(x, top, text, size, w);
        self.ops().extend(ops);
    }

    /// A wrapped paragraph across the text width; `center` centres each line.
    pub fn paragraph(&mut self, text: &str, size: f32, w: Weight, center: bool) {
        let face = self.face(w);
        let lead = size * 1.3;
        let lines = face.wrap(text, size, self.sheet.width());
        // A short paragraph (a note, a signature line) is never split: no lone line at the top of a page.
        if lines.len() <= 3 {
            self.ensure(lines.len() as f32 * lead);
        }
        for line in lines {
            self.ensure(lead);
            let x = if center {
                self.sheet.left + (self.sheet.width() - face.width(&line, size)) / 2.0
            } else {
                self.sheet.left
            };
            let top = self.y;
            self.text_at(x, top, &line, size, w);
            self.y += lead;
        }
    }

    /// A table: `widths` are fractions of the text width; `header` (if any) is bold on grey and repeated on
    /// every page the table continues on. Returns where each row's cells were placed (first fragment).
    pub fn table(
        &mut self,
        widths: &[f32],
        header: Option<&[&str]>,
        rows: &[Vec<String>],
        size: f32,
    ) -> Vec<Vec<Placed>> {
        let cols: Vec<f32> = widths.iter().map(|f| f * self.sheet.width()).collect();
        let lead = size * 1.25;
        let head: Option<Vec<Vec<String>>> =
            header.map(|h| h.iter().zip(&cols).map(|(c, w)| self.bold.wrap(c, size, w - 2.0 * PAD)).collect());
        let head_height = head.as_ref().map(|h| row_height(h, lead)).unwrap_or(0.0);
        let mut placed = Vec::new();
        let mut need_header = true;
        // A two-column table without a header is a label/value list: labels in bold.
        let label_list = header.is_none() && widths.len() == 2;
        for row in rows {
            let mut lines: Vec<Vec<String>> = row
                .iter()
                .zip(&cols)
                .enumerate()
                .map(|(i, (c, w))| {
                    let face = if label_list && i == 0 { self.bold } else { self.regular };
                    face.wrap(c, size, w - 2.0 * PAD)
                })
                .collect();
            let bold_first = label_list;
            let mut first_fragment = true;
            loop {
                let min = head_height * f32::from(u8::from(need_header)) + lead + 2.0 * PAD;
                if self.room() < min {
                    self.new_page();
                    need_header = true;
                }
                if need_header {
                    if let Some(h) = &head {
                        self.draw_row(&cols, h, lead, true, false);
                    }
                    need_header = false;
                }
                let fit = ((self.room() - 2.0 * PAD) / lead).floor().max(1.0) as usize;
                let tallest = lines.iter().map(Vec::len).max().unwrap_or(1);
                let take = tallest.min(fit);
                let part: Vec<Vec<String>> = lines.iter_mut().map(|l| l.drain(..take.min(l.len())).collect()).collect();
                let cells = self.draw_row(&cols, &part, lead, false, bold_first);
                if first_fragment {
                    placed.push(cells);
                    first_fragment = false;
                }
                if lines.iter().all(Vec::is_empty) {
                    break;
                }
                self.new_page();
                need_header = true;
            }
        }
        placed
    }

    fn draw_row(
        &mut self,
        cols: &[f32],
        cells: &[Vec<String>],
        lead: f32,
        header: bool,
        bold_first: bool,
    ) -> Vec<Placed> {
        let size = lead / 1.25;
        let height = row_height(cells, lead);
        let top = self.y;
        let bottom = self.sheet.h - top - height;
        let page = self.page();
        let left = self.sheet.left;
        if header {
            self.ops().extend([
                Op::SetFillColor { col: grey(0.9) },
                Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(left),
                        y: Pt(bottom),
                        width: Pt(cols.iter().sum()),
                        height: Pt(height),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                },
                Op::SetFillColor { col: grey(0.0) },
            ]);
        }
        let mut x = self.sheet.left;
        let mut placed = Vec::new();
        for (c, (lines, w)) in cells.iter().zip(cols).enumerate() {
            let weight = if header || (bold_first && c == 0) { Weight::Bold } else { Weight::Regular };
            for (n, line) in lines.iter().enumerate() {
                self.text_at(x + PAD, top + PAD + n as f32 * lead, line, size, weight);
            }
            placed.push(Placed { page, x, y: bottom, w: *w, h: height });
            x += w;
        }
        let right = self.sheet.left + cols.iter().sum::<f32>();
        let (yt, yb) = (self.sheet.h - top, bottom);
        let mut ops = vec![Op::SetOutlineColor { col: grey(0.55) }, Op::SetOutlineThickness { pt: Pt(0.5) }];
        ops.push(line_ops(self.sheet.left, yt, right, yt));
        ops.push(line_ops(self.sheet.left, yb, right, yb));
        let mut x = self.sheet.left;
        ops.push(line_ops(x, yt, x, yb));
        for w in cols {
            x += w;
            ops.push(line_ops(x, yt, x, yb));
        }
        self.ops().extend(ops);
        self.y += height;
        placed
    }

    /// Fills dark squares of a square module matrix (a QR code) `size` points wide at the given position; a
    /// row's run of dark modules is one rectangle.
    pub fn squares(&mut self, page: usize, x: f32, top: f32, size: f32, dark: &[Vec<bool>]) {
        let n = dark.len().max(1) as f32;
        let m = size / n;
        let mut ops = vec![Op::SetFillColor { col: grey(0.0) }];
        for (r, row) in dark.iter().enumerate() {
            let mut c = 0;
            while c < row.len() {
                let run = row[c..].iter().take_while(|on| **on).count();
                if run == 0 {
                    c += 1;
                    continue;
                }
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(x + c as f32 * m),
                        y: Pt(self.sheet.h - top - (r as f32 + 1.0) * m),
                        width: Pt(run as f32 * m),
                        height: Pt(m),
                        mode: Some(PaintMode::Fill),
                        winding_order: None,
                    },
                });
                c += run;
            }
        }
        self.pages[page].extend(ops);
    }

    /// SHA-256 (hex) of everything laid out so far, page by page: every text run with its face, size and
    /// place, every line and box. A document's QR code carries it: the content it ties a paper copy to. The
    /// running headers and page numbers, added by `finish`, follow from it.
    pub fn content_digest(&self) -> String {
        let mut h = Sha256::new();
        // Each part is tagged and each text carries its length, so no two different layouts hash alike.
        let text = |h: &mut Sha256, tag: &[u8], bytes: &[u8]| {
            h.update(tag);
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        let numbers = |h: &mut Sha256, tag: &[u8], values: &[f32]| {
            h.update(tag);
            values.iter().for_each(|v| h.update(v.to_le_bytes()));
        };
        for (n, ops) in self.pages.iter().enumerate() {
            numbers(&mut h, b"page", &[n as f32]);
            for op in ops {
                // Text and geometry are hashed as they are; the rest (colours, widths, sections) as printed.
                match op {
                    Op::ShowText { items } => {
                        for item in items {
                            match item {
                                TextItem::Text(t) => text(&mut h, b"text", t.as_bytes()),
                                other => text(&mut h, b"item", format!("{other:?}").as_bytes()),
                            }
                        }
                    }
                    Op::SetFont { font: PdfFontHandle::External(id), size } => {
                        // A face's id is random per document; its role is what the content says.
                        let face: &[u8] = if id.0 == self.bold.id.0 { b"bold" } else { b"regular" };
                        text(&mut h, b"font", face);
                        numbers(&mut h, b"size", &[size.0]);
                    }
                    Op::SetTextCursor { pos } => numbers(&mut h, b"at", &[pos.x.0, pos.y.0]),
                    Op::DrawLine { line } => {
                        text(&mut h, b"line", format!("{} {}", line.points.len(), line.is_closed).as_bytes());
                        for p in &line.points {
                            numbers(&mut h, if p.bezier { b"curve" } else { b"point" }, &[p.p.x.0, p.p.y.0]);
                        }
                    }
                    Op::DrawRectangle { rectangle: r } => {
                        text(&mut h, b"box", format!("{:?} {:?}", r.mode, r.winding_order).as_bytes());
                        numbers(&mut h, b"rect", &[r.x.0, r.y.0, r.width.0, r.height.0]);
                    }
                    other => text(&mut h, b"op", format!("{other:?}").as_bytes()),
                }
            }
        }
        hex::encode(h.finalize())
    }

    /// Adds the running header and "стр. N из M" to every page and returns the pages.
    pub fn finish(mut self, running_header: &str, page_label: impl Fn(usize, usize) -> String) -> Vec<PdfPage> {
        let total = self.pages.len();
        let size = 8.0;
        let header_lines = self.regular.wrap(running_header, size, self.sheet.width());
        let rule = self.sheet.h - 28.0 - 2.0 * size * 1.25 - 2.0;
        for n in 0..total {
            let mut ops = Vec::new();
            for (i, line) in header_lines.iter().take(2).enumerate() {
                ops.extend(self.text_ops(self.sheet.left, 28.0 + i as f32 * size * 1.25, line, size, Weight::Regular));
            }
            let label = page_label(n + 1, total);
            let w = self.regular.width(&label, size);
            ops.extend(self.text_ops(
                self.sheet.left + self.sheet.width() - w,
                self.sheet.h - self.sheet.bottom + 22.0,
                &label,
                size,
                Weight::Regular,
            ));
            ops.extend([Op::SetOutlineColor { col: grey(0.55) }, Op::SetOutlineThickness { pt: Pt(0.5) }]);
            ops.push(line_ops(self.sheet.left, rule, self.sheet.left + self.sheet.width(), rule));
            self.pages[n].extend(ops);
        }
        self.plain()
    }

    /// The pages as they are, without running header or page numbers (a label).
    pub fn plain(self) -> Vec<PdfPage> {
        let (w, h) = (Mm(self.sheet.w / PT_PER_MM), Mm(self.sheet.h / PT_PER_MM));
        self.pages.into_iter().map(|ops| PdfPage::new(w, h, ops)).collect()
    }
}

fn row_height(cells: &[Vec<String>], lead: f32) -> f32 {
    cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * lead + 2.0 * PAD
}
