"""Lay the rows of forms.py out as an Excel workbook, the way the published forms are made.

One worksheet per part of the form (表紙, 項目一覧, Ⅰ, Ⅱ, 別添, Ⅲ, …), A4 portrait, fitted to
the page width. A 30-column grid: labels left (cols 1-7), sub-labels (cols 8-12), values
right. A choice is `[` | value | `]` in three cells followed by `＜選択肢＞` and its options,
one option a cell, odd and even options in two columns; a checkbox is `[` | mark | `] label`
in three cells, boxes in two columns. Row heights are estimated from the text (Excel and
LibreOffice do not size merged cells themselves).
"""

import math
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

FONT = "IPAexGothic"
FS = 9            # body font size (pt)
FS_OPT = 8        # option lists
FS_BOX = 8        # checkbox grids
NCOL = 30
COLW = 2.6        # Excel column width (characters)
COLPT = 18.3     # the same width in points, as LibreOffice lays it out (see README)
PAD = 4.0         # horizontal cell padding (pt), both sides together
LINE = 1.32       # line height / font size
LAB = (1, 7)      # label column
SUB = (8, 12)     # sub-label column
END = NCOL
ORIENT = "portrait"  # page orientation (make_variants.py prints landscape too)
SCALE = None      # None: fit to the page width; else a fixed print scale in percent

THIN = Side(style="thin", color="000000")
GRAY = PatternFill("solid", fgColor="D9D9D9")
LIGHT = PatternFill("solid", fgColor="F2F2F2")


def em(s):
    """Width of a string in ems (CJK full width = 1, Latin ≈ 0.55)."""
    w = 0.0
    for ch in s:
        w += 1.0 if unicodedata.east_asian_width(ch) in ("F", "W", "A") else 0.55
    return w


def fits(text, ncols, fs):
    return em(text) * fs * 1.04 <= ncols * COLPT - PAD


def choice_geometry(v, value, opts):
    """How to lay out a choice from column v: ("two" | "one", width of the value cell) with the
    options right of `[ value ]` in two columns or one, else ("below", None): `[ value ]`
    across the row and the options under it (the long しきい値判断結果 lists)."""
    for mode in ("two", "one"):
        for w in range(4, 11):
            if not fits(value, w, FS):
                continue
            avail = END - (v + w + 2) + 1
            room = avail // 2 if mode == "two" else avail
            if all(fits(o, room, FS_OPT) for o in opts):
                return mode, w
            break
    return "below", None


def lines_needed(text, ncols, fs):
    width = ncols * COLPT - PAD
    n = 0
    for para in (text or "").split("\n"):
        n += max(1, math.ceil(em(para) * fs * 1.04 / width))
    return n


class Sheet:
    def __init__(self, ws):
        self.ws = ws
        self.r = 1                 # next free row
        self.need = {}             # row -> min height
        self.spans = []            # (r1, r2, height) needs of vertically merged cells
        self.borders = {}          # (r, c) -> set of sides

        for c in range(1, NCOL + 1):
            ws.column_dimensions[get_column_letter(c)].width = COLW
        ps = ws.page_setup
        ps.paperSize = ws.PAPERSIZE_A4
        ps.orientation = ORIENT
        if SCALE is None:
            ps.fitToWidth = 1
            ps.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        else:
            ps.scale = SCALE
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = 0.6
        ws.page_margins.bottom = 0.7
        ws.page_margins.footer = 0.3
        ws.print_options.horizontalCentered = True
        ws.oddFooter.center.text = "-&P-"
        ws.oddFooter.center.font = FONT
        ws.oddFooter.center.size = 9
        ws.sheet_view.showGridLines = False

    # -- primitives -------------------------------------------------------------------
    def cell(self, r, c1, c2, text, r2=None, h="left", v="center", fs=None, bold=False, fill=None,
             min_h=0.0):
        r2 = r2 or r
        fs = fs or FS
        ws = self.ws
        if c2 > c1 or r2 > r:
            ws.merge_cells(start_row=r, start_column=c1, end_row=r2, end_column=c2)
        cl = ws.cell(row=r, column=c1)
        cl.value = text if text != "" else None
        cl.font = Font(name=FONT, size=fs, bold=bold)
        cl.alignment = Alignment(horizontal=h, vertical=v, wrap_text=True)
        if fill is not None:
            for rr in range(r, r2 + 1):
                for cc in range(c1, c2 + 1):
                    ws.cell(row=rr, column=cc).fill = fill
        height = max(min_h, lines_needed(text, c2 - c1 + 1, fs) * fs * LINE + 5) if text else min_h
        if r2 == r:
            self.need[r] = max(self.need.get(r, 0), height)
        else:
            self.spans.append((r, r2, height))

    def frame(self, r1, c1, r2, c2):
        for c in range(c1, c2 + 1):
            self.borders.setdefault((r1, c), set()).add("top")
            self.borders.setdefault((r2, c), set()).add("bottom")
        for r in range(r1, r2 + 1):
            self.borders.setdefault((r, c1), set()).add("left")
            self.borders.setdefault((r, c2), set()).add("right")

    def min_height(self, r, h):
        self.need[r] = max(self.need.get(r, 0), h)

    def finish(self):
        ws = self.ws
        heights = {r: max(self.need.get(r, 0), 13.5) for r in range(1, self.r)}
        for r1, r2, h in self.spans:
            have = sum(heights[r] for r in range(r1, r2 + 1))
            if have < h:
                heights[r2] += h - have
        for r, h in heights.items():
            ws.row_dimensions[r].height = round(h, 1)
        for (r, c), sides in self.borders.items():
            cl = ws.cell(row=r, column=c)
            cl.border = Border(left=THIN if "left" in sides else None,
                               right=THIN if "right" in sides else None,
                               top=THIN if "top" in sides else None,
                               bottom=THIN if "bottom" in sides else None)

    # -- form pieces --------------------------------------------------------------------
    def box(self, r, c, c_end, b, mark):
        """`[` | mark | `] label` in three cells."""
        self.cell(r, c, c, "[", h="right", fs=FS_BOX)
        self.cell(r, c + 1, c + 1, mark if b["checked"] else "", h="center", fs=FS_BOX)
        self.cell(r, c + 2, c_end, "] " + b["printed"], fs=FS_BOX)

    def field_rows(self, f, v, mark):
        """Lay out one field's value area from column v; return the rows it used."""
        r0 = self.r
        t = f["t"]
        if t in ("text", "plain"):
            self.cell(r0, v, END, f["value"] or "")
            self.r += 1
        elif t == "choice":
            opts = f["printed_options"]
            mode, w = choice_geometry(v, f["printed_value"], opts)
            if mode == "below":
                self.cell(r0, v, v, "[", h="right")
                self.cell(r0, v + 1, END - 1, f["printed_value"], h="center")
                self.cell(r0, END, END, "]", h="left")
                self.cell(r0 + 1, v, END, "＜選択肢＞", fs=FS_OPT)
                for i, o in enumerate(opts):
                    self.cell(r0 + 2 + i, v, END, o, fs=FS_OPT)
                self.r = r0 + 2 + len(opts)
                return r0, self.r - 1
            nrows = 1 + (len(opts) if mode == "one" else math.ceil(len(opts) / 2))
            r_last = r0 + nrows - 1
            val = (v + 1, v + w)
            self.cell(r0, v, v, "[", r2=r_last, h="right")
            self.cell(r0, val[0], val[1], f["printed_value"], r2=r_last, h="center")
            self.cell(r0, val[1] + 1, val[1] + 1, "]", r2=r_last, h="left")
            o1 = val[1] + 2
            self.cell(r0, o1, END, "＜選択肢＞", fs=FS_OPT)
            if mode == "one":
                for i, o in enumerate(opts):
                    self.cell(r0 + 1 + i, o1, END, o, fs=FS_OPT)
            else:
                mid = o1 + (END - o1 + 1) // 2
                for i, o in enumerate(opts):
                    rr = r0 + 1 + i // 2
                    if i % 2 == 0:
                        self.cell(rr, o1, mid - 1, o, fs=FS_OPT)
                    else:
                        self.cell(rr, mid, END, o, fs=FS_OPT)
            self.r = r_last + 1
            if f.get("count") is not None:
                self.cell(self.r, o1, END, f"（ {f['count']} ）　件", h="right")
                self.r += 1
        elif t == "checks":
            self.checks(f, v, mark)
        return r0, self.r - 1

    def checks(self, f, v, mark):
        boxes = f["boxes"]
        layout = f["layout"]
        mid = v + (END - v + 1) // 2

        def pair_rows(bs):
            row = []

            def flush():
                self.box(self.r, v, mid - 1, row[0], mark)
                self.r += 1
                row.clear()

            for b in bs:
                full = (b.get("detail") is not None or b["key"] == "その他"
                        or not fits("] " + b["printed"], mid - v - 2, FS_BOX))
                if full:
                    if row:
                        flush()
                    self.box(self.r, v, END, b, mark)
                    self.r += 1
                    continue
                row.append(b)
                if len(row) == 2:
                    self.box(self.r, v, mid - 1, row[0], mark)
                    self.box(self.r, mid, END, row[1], mark)
                    self.r += 1
                    row.clear()
            if row:
                flush()

        if layout == "grid2":
            pair_rows(boxes)
        elif layout == "lines":
            for b in boxes:
                self.box(self.r, v, END, b, mark)
                self.r += 1
        elif layout == "kiroku":
            for head, (a, z) in (("・識別情報", (0, 3)), ("・連絡先等情報", (3, 6)), ("・業務関係情報", (6, 19))):
                self.cell(self.r, v, END, head)
                self.r += 1
                pair_rows(boxes[a:z])
        elif layout == "umu":
            self.box(self.r, v, mid - 1, boxes[0], mark)
            self.box(self.r, mid, END, boxes[1], mark)
            self.r += 1
            self.box(self.r, v, mid - 1, boxes[2], mark)
            self.r += 1
        elif layout == "row3":
            w = (END - v + 1) // 3
            for i, b in enumerate(boxes):
                c = v + i * w
                self.box(self.r, c, END if i == 2 else c + w - 1, b, mark)
            self.r += 1
        else:
            raise ValueError(layout)

    def block(self, row, mark):
        vertical = row.get("vertical")
        lab = (1, 2) if vertical else LAB
        sub = (3, SUB[1]) if vertical else SUB
        r_start = self.r
        for f in row["fields"]:
            if f["label"] is not None:
                v = sub[1] + 1
                r0 = self.r
                r0, r1 = self.field_rows(f, v, mark)
                self.cell(r0, sub[0], sub[1], f["label"], r2=r1)
                self.frame(r0, sub[0], r1, sub[1])
                self.frame(r0, v, r1, END)
            else:
                r0, r1 = self.field_rows(f, lab[1] + 1, mark)
                self.frame(r0, lab[1] + 1, r1, END)
        r_end = self.r - 1
        label = row["label"]
        if vertical:
            label = "\n".join(label)
        self.cell(r_start, lab[0], lab[1], label, r2=r_end, h="center" if vertical else "left")
        self.frame(r_start, lab[0], r_end, lab[1])


def cover(sh, doc):
    from forms import kind_of
    c = doc["cover"]
    kind = kind_of(doc)
    r = sh.r
    if doc.get("tag") and doc.get("tag_pos") == "top":
        sh.cell(r, 19, END, doc["tag"], h="right")
        r += 1
    sh.min_height(r, 30)
    r += 1
    sh.cell(r, 1, END, f"特定個人情報保護評価書（{kind}）", h="center", fs=16, min_h=40)
    r += 2
    sh.cell(r, 1, 8, "評価書番号", h="center", fill=LIGHT)
    sh.cell(r, 9, END, "評価書名", h="center", fill=LIGHT)
    sh.frame(r, 1, r, 8)
    sh.frame(r, 9, r, END)
    r += 1
    sh.cell(r, 1, 8, c["number"], h="center", min_h=30)
    sh.cell(r, 9, END, c["title"], min_h=30)
    sh.frame(r, 1, r, 8)
    sh.frame(r, 9, r, END)
    r += 2
    sh.cell(r, 1, END, "個人のプライバシー等の権利利益の保護の宣言", h="center", fill=LIGHT)
    sh.frame(r, 1, r, END)
    r += 1
    sh.cell(r, 1, END, c["declaration"], v="top", min_h=110)
    sh.frame(r, 1, r, END)
    r += 2
    sh.cell(r, 1, END, "特記事項", h="center", fill=LIGHT)
    sh.frame(r, 1, r, END)
    r += 1
    sh.cell(r, 1, END, c.get("special_notes", ""), v="top", min_h=60)
    sh.frame(r, 1, r, END)
    r += 2
    pairs = [("評価実施機関名", c["organization"])]
    if doc["form"] == 4:
        pairs.append(("個人情報保護委員会　承認日　【行政機関等のみ】", c.get("approval", "")))
    pairs.append(("公表日", c["published"]))
    for lab, val in pairs:
        sh.cell(r, 1, 12, lab, fill=LIGHT, min_h=26)
        sh.cell(r, 13, END, val, min_h=26)
        sh.frame(r, 1, r, 12)
        sh.frame(r, 13, r, END)
        r += 1
    if doc.get("tag") and doc.get("tag_pos") == "bottom":
        r += 1
        sh.cell(r, 19, END, doc["tag"], h="right")
        r += 1
    sh.r = r


def render(doc, rows, path):
    wb = Workbook()
    wb.remove(wb.active)
    sh = None
    mark = doc.get("mark", "○")
    for row in rows:
        k = row["k"]
        if k == "sheet":
            if sh is not None:
                sh.finish()
            sh = Sheet(wb.create_sheet(row["name"]))
            continue
        r = sh.r
        if k == "cover":
            cover(sh, row["doc"])
        elif k == "toc":
            sh.min_height(r, 40)
            sh.cell(r + 1, 1, END, "項目一覧", h="center", fs=12, min_h=30)
            r += 3
            r_top = r
            for line in row["lines"]:
                sh.cell(r, 3, END - 2, line, min_h=24)
                r += 1
            sh.frame(r_top, 2, r - 1, END - 1)
            sh.r = r
        elif k == "section":
            sh.cell(r, 1, END, row["text"], fs=11, min_h=24)
            sh.r += 1
        elif k == "item":
            sw = row["switch"]
            widths = [2 + math.ceil((em("] " + b["printed"]) * FS_BOX * 1.04 + PAD) / COLPT) for b in sw]
            text_end = END - sum(widths)
            sh.cell(r, 1, text_end, row["text"], fill=GRAY, min_h=18)
            c = text_end + 1
            for b, w in zip(sw, widths):
                for cc in range(c, c + w):
                    sh.ws.cell(row=r, column=cc).fill = GRAY
                sh.box(r, c, c + w - 1, b, mark)
                c += w
            sh.frame(r, 1, r, END)
            sh.r += 1
        elif k == "group":
            if row["value"] is None:
                sh.cell(r, 1, END, row["text"], fill=LIGHT, min_h=16)
                sh.frame(r, 1, r, END)
            else:
                sh.cell(r, 1, LAB[1], row["text"], fill=LIGHT, min_h=16)
                sh.cell(r, LAB[1] + 1, END, row["value"], fill=LIGHT)
                sh.frame(r, 1, r, LAB[1])
                sh.frame(r, LAB[1] + 1, r, END)
            sh.r += 1
        elif k == "range":
            sh.cell(r, 1, END, row["text"], fill=GRAY, fs=8)
            sh.frame(r, 1, r, END)
            sh.r += 1
        elif k == "note":
            sh.cell(r, 1, END, row["text"])
            sh.frame(r, 1, r, END)
            sh.r += 1
        elif k == "value":
            sh.cell(r, 1, END, row["value"] or "", min_h=18)
            sh.frame(r, 1, r, END)
            sh.r += 1
        elif k == "wide":
            sh.cell(r, 1, END, row["label"])
            sh.frame(r, 1, r, END)
            sh.cell(r + 1, 1, END, row["value"] or "", min_h=30)
            sh.frame(r + 1, 1, r + 1, END)
            sh.r += 2
        elif k == "block":
            sh.block(row, mark)
        elif k == "table":
            cols, c = [], 1
            for w in row["widths"]:
                cols.append((c, c + w - 1))
                c += w
            for i, head in enumerate(row["header"]):
                sh.cell(r, cols[i][0], cols[i][1], head, h="center", fill=LIGHT)
                sh.frame(r, cols[i][0], r, cols[i][1])
            r += 1
            for data in row["rows"] or [[""] * len(cols)]:
                for i, val in enumerate(data):
                    sh.cell(r, cols[i][0], cols[i][1], val, min_h=30)
                    sh.frame(r, cols[i][0], r, cols[i][1])
                r += 1
            sh.r = r
        else:
            raise ValueError(k)
    sh.finish()
    wb.properties.creator = "tools/pdfgen"
    wb.save(path)
