"""A reportlab rendering of the same rows, in the non-embedded CID font HeiseiKakuGo-W5 with
the CMap UniJIS-UCS2-H (reportlab's UnicodeCIDFont) and no ToUnicode: text can only be read
through the CMap (codes are UCS-2), as in PDFs made by older Japanese office software.

A plain table layout: label | (sub-label) | value; a choice is `[ value ]` with `＜選択肢＞`
and its options in two columns (one column, or under `[ value ]` when they do not fit);
checkboxes `[ ○ ] label` in two columns (a box whose text does not fit half the width gets a
row of its own). No text leaves its cell: `[ value ]` and options are one line each (a value
cell is widened to its text, a too long one shrunk), other texts are broken into lines here
(Japanese line-breaking rules, ASCII words kept whole) for the width of their cell. A label
whose first field has no sub-label is printed level with that field's value (in the first
row), not centred over all the fields.
"""

import re
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.pdfmetrics import stringWidth

FONT = "HeiseiKakuGo-W5"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))      # encoding UniJIS-UCS2-H, not embedded
rl_config.canvas_basefontname = FONT               # before platypus is imported: no stray Helvetica

from reportlab.lib import colors  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle  # noqa: E402

BODY = ParagraphStyle("body", fontName=FONT, bulletFontName=FONT, fontSize=8, leading=10.5, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=7, leading=9)
HEAD = ParagraphStyle("head", parent=BODY, fontSize=11, leading=15)
TITLE = ParagraphStyle("title", parent=BODY, fontSize=15, leading=20, alignment=1)
CENTER = ParagraphStyle("center", parent=BODY, alignment=1)
RIGHT = ParagraphStyle("right", parent=BODY, alignment=2)

PAGE_W = A4[0] - 30 * mm
LAB_W = 100
SUB_W = 80
PAD = 2           # cell padding, each side
GAP = 8           # least free space between the texts of two neighbouring cells without a rule
VAL_MIN = 110     # least width of the `[ value ]` cell of a choice
MIN_FS = 5        # smallest font size a one-line text (`[ value ]`, an option) is shrunk to

# line breaking (Japanese rules, as Excel does): no line starts with a closing bracket, a
# small kana, a prolonged sound mark or punctuation; none ends with an opening bracket;
# ASCII words and numbers (`LGWAN`, `1,000`) are not split
NO_START = set("、。，．,.・：；:;？！?!ー－‐-）)］]｝}〕〉》」』】ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞ％%…‥")
NO_END = set("（(［[｛{〔〈《「『【")
UNIT = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,:/_%@&+\-]*|.", re.S)


def width(text, size):
    return stringWidth(text, FONT, size)


def break_lines(text, avail, size):
    """The lines of `text` in a cell `avail` points wide, breaking as Excel does (whitespace
    collapsed as Paragraph collapses it). Every line fits unless one character alone does not."""
    out = []
    for para in (text or "").split("\n"):
        para = re.sub(r"\s+", " ", para).strip()
        lines, cur = [], []

        def w(units):
            return width("".join(units).strip(), size)

        for u in UNIT.findall(para):
            if cur and w(cur + [u]) > avail:
                if u == " ":
                    lines.append(cur)
                    cur = []
                    continue
                nxt = []
                # kinsoku: carry the last unit(s) over rather than start a line with u / end one
                # with an opening bracket, as long as both lines still fit
                if u[0] in NO_START and len(cur) > 1 and w(cur[-1:] + [u]) <= avail:
                    nxt = [cur.pop()]
                while len(cur) > 1 and cur[-1] and cur[-1][-1] in NO_END and w([cur[-1]] + nxt + [u]) <= avail:
                    nxt.insert(0, cur.pop())
                lines.append(cur)
                cur = nxt
            if not cur and u == " ":
                continue
            if not cur and width(u, size) > avail:        # an ASCII word wider than the cell
                for ch in u:
                    if cur and w(cur + [ch]) > avail:
                        lines.append(cur)
                        cur = []
                    cur.append(ch)
                continue
            cur.append(u)
        if cur or not lines:
            lines.append(cur)
        out += ["".join(x).strip() for x in lines]
    return out


class Cell(Paragraph):
    """A Paragraph that breaks its lines itself (break_lines) for the width it is given, so no
    line is wider than its cell (reportlab's CJK wrap lets a line overflow to keep kinsoku)."""

    def __init__(self, text, style=BODY):
        self._raw, self._st = text or "", style
        Paragraph.__init__(self, escape(self._raw).replace("\n", "<br/>"), style)

    def wrap(self, availWidth, availHeight):
        lines = break_lines(self._raw, availWidth + 1e-6, self._st.fontSize)
        Paragraph.__init__(self, "<br/>".join(escape(x) for x in lines), self._st)
        return Paragraph.wrap(self, availWidth, availHeight)


def P(text, style=BODY):
    return Cell(text, style)


def one_line(text, avail, style=BODY):
    """`text` on one line in a cell `avail` points wide (inner width): the style's size, or
    smaller when it does not fit (as Excel's "shrink to fit")."""
    size = style.fontSize
    need = width(text, size)
    if need > avail:
        size = max(MIN_FS, size * avail / need)
        while width(text, size) > avail and size > MIN_FS:
            size -= 0.1
        style = ParagraphStyle(f"{style.name}-{size:.1f}", parent=style, fontSize=round(size, 1),
                               leading=round(size * style.leading / style.fontSize, 1), wordWrap=None)
    else:
        style = ParagraphStyle(f"{style.name}-1", parent=style, wordWrap=None)
    return Paragraph(escape(text), style)


def fits(text, cell_w, size):
    """Does `text` fit on one line in a cell `cell_w` wide, with room to spare to its neighbour?"""
    return width(text, size) + 2 * PAD + GAP <= cell_w


def grid(cells, widths, extra=()):
    t = Table(cells, colWidths=widths)
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                           ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                           *extra]))
    return t


def framed(cells, widths, extra=()):
    return grid(cells, widths, [("GRID", (0, 0), (-1, -1), 0.5, colors.black), *extra])


def box_text(b, mark):
    return f"[ {mark if b['checked'] else '　'} ] {b['printed']}"


def choice_geometry(value, opts, avail):
    """("two" | "one", width of the value cell): `[ value ]` left, the options right of it in
    two columns or one; else ("below", avail): `[ value ]` across and the options under it."""
    vw = max(VAL_MIN, width(value, BODY.fontSize) + 2 * PAD + 2 * GAP)
    if vw < avail:
        ow = avail - vw
        if all(fits(o, ow / 2, SMALL.fontSize) for o in opts):
            return "two", vw
        if all(fits(o, ow, SMALL.fontSize) for o in opts):
            return "one", vw
    return "below", avail


def choice_content(f, avail):
    opts = f["printed_options"]
    value = f"[ {f['printed_value']} ]"
    mode, vw = choice_geometry(value, opts, avail)
    count = f"（ {f['count']} ）　件" if f.get("count") is not None else None
    if mode == "below":
        iw = avail - 2 * PAD
        rows = [[one_line(value, iw, CENTER)], [P("＜選択肢＞", SMALL)]]
        rows += [[one_line(o, iw, SMALL)] for o in opts]
        if count:
            rows.append([P(count, RIGHT)])
        return grid(rows, [avail])
    ow = avail - vw
    if mode == "one":
        rows = [[P("＜選択肢＞", SMALL)]] + [[one_line(o, ow - 2 * PAD, SMALL)] for o in opts]
        optt = grid(rows, [ow])
    else:
        rows = [[P("＜選択肢＞", SMALL), ""]]
        for i in range(0, len(opts), 2):
            pair = [one_line(o, ow / 2 - 2 * PAD, SMALL) for o in opts[i:i + 2]]
            rows.append(pair + [""] * (2 - len(pair)))
        optt = grid(rows, [ow / 2, ow / 2], [("SPAN", (0, 0), (1, 0))])
    # the option table fills its cell exactly (no padding around it; its own cells have some)
    cells = [[one_line(value, vw - 2 * PAD, CENTER), optt]]
    style = [("LEFTPADDING", (1, 0), (1, 0), 0), ("RIGHTPADDING", (1, 0), (1, 0), 0)]
    if count:
        cells.append(["", P(count, RIGHT)])
    return grid(cells, [vw, ow], style)


def checks_content(f, avail, mark):
    boxes, layout = f["boxes"], f["layout"]
    half = avail / 2
    rows, spans = [], []

    def full(b):
        spans.append(len(rows))
        rows.append([P(box_text(b, mark)), ""])

    def pairs(bs):
        row = []

        def flush():
            rows.append([P(box_text(row[0], mark)), ""])
            row.clear()

        for b in bs:
            if b.get("detail") is not None or b["key"] == "その他" \
                    or not fits(box_text(b, mark), half, BODY.fontSize):
                if row:
                    flush()
                full(b)
                continue
            row.append(b)
            if len(row) == 2:
                rows.append([P(box_text(row[0], mark)), P(box_text(row[1], mark))])
                row.clear()
        if row:
            flush()

    if layout == "grid2":
        pairs(boxes)
    elif layout == "lines":
        for b in boxes:
            full(b)
    elif layout == "kiroku":
        for head, (a, z) in (("・識別情報", (0, 3)), ("・連絡先等情報", (3, 6)), ("・業務関係情報", (6, 19))):
            spans.append(len(rows))
            rows.append([P(head), ""])
            pairs(boxes[a:z])
    elif layout == "umu":
        pairs(boxes[:2])
        pairs(boxes[2:])
    elif layout == "row3":
        if all(fits(box_text(b, mark), avail / 3, BODY.fontSize) for b in boxes):
            return grid([[P(box_text(b, mark)) for b in boxes]], [avail / 3] * 3)
        pairs(boxes)
    else:
        raise ValueError(layout)
    return grid(rows, [half, half], [("SPAN", (0, i), (1, i)) for i in spans])


def field_content(f, avail, mark):
    """The content of a value cell whose inner width is `avail`."""
    if f["t"] in ("text", "plain"):
        return P(f["value"])
    if f["t"] == "choice":
        return choice_content(f, avail)
    return checks_content(f, avail, mark)


def block(row, mark):
    """label | (sub-label) | value, one table row a field. When the first field has no sub-label
    the label belongs to that field's value: it is printed in the first row (the label column
    below it is left blank, without rules, like a merged cell whose text is at the top), so that
    label and value share a row. Otherwise (only sub-labelled fields) the label is a group label,
    centred in a merged cell spanning the fields."""
    fields = row["fields"]
    label = "\n".join(row["label"]) if row.get("vertical") else row["label"]
    has_sub = any(f["label"] is not None for f in fields)
    sub_w = SUB_W if has_sub else 0
    vw = PAGE_W - LAB_W - sub_w
    widths = [LAB_W, sub_w, vw] if has_sub else [LAB_W, vw]
    cells, style = [], []
    for i, f in enumerate(fields):
        first = P(label) if i == 0 else ""
        avail = (vw if not has_sub or f["label"] is not None else sub_w + vw) - 2 * PAD
        content = field_content(f, avail, mark)
        if not has_sub:
            cells.append([first, content])
        elif f["label"] is None:
            cells.append([first, content, ""])
            style.append(("SPAN", (1, i), (2, i)))
        else:
            cells.append([first, P(f["label"]), content])
        # `[ value ]` above its options: the label level with it, not with the options
        if f["t"] == "choice" and choice_geometry(f"[ {f['printed_value']} ]", f["printed_options"],
                                                  avail)[0] == "below":
            if f["label"] is not None:
                style.append(("VALIGN", (1, i), (1, i), "TOP"))
            elif i == 0:
                style.append(("VALIGN", (0, 0), (0, 0), "TOP"))
    n = len(fields)
    if fields[0]["label"] is None:
        # label in row 0; the column under it blank and unruled
        style += [("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                  ("LINEAFTER", (0, 0), (0, -1), 0.5, colors.black),
                  ("INNERGRID", (1, 0), (-1, -1), 0.5, colors.black)]
        return grid(cells, widths, style)
    style.append(("SPAN", (0, 0), (0, n - 1)))
    return framed(cells, widths, style)


def cover(doc):
    from forms import kind_of
    c = doc["cover"]
    out = []
    if doc.get("tag") and doc.get("tag_pos") == "top":
        out.append(P(doc["tag"], RIGHT))
    out += [Spacer(1, 30), P(f"特定個人情報保護評価書（{kind_of(doc)}）", TITLE), Spacer(1, 20)]
    out.append(framed([[P("評価書番号", CENTER), P("評価書名", CENTER)], [P(c["number"], CENTER), P(c["title"])]],
                      [120, PAGE_W - 120]))
    out.append(Spacer(1, 10))
    out.append(framed([[P("個人のプライバシー等の権利利益の保護の宣言", CENTER)], [P(c["declaration"])]], [PAGE_W]))
    out.append(Spacer(1, 10))
    out.append(framed([[P("特記事項", CENTER)], [P(c.get("special_notes") or "")]], [PAGE_W]))
    out.append(Spacer(1, 10))
    pairs = [("評価実施機関名", c["organization"])]
    if doc["form"] == 4:
        pairs.append(("個人情報保護委員会　承認日　【行政機関等のみ】", c.get("approval", "")))
    pairs.append(("公表日", c["published"]))
    out.append(framed([[P(a), P(b)] for a, b in pairs], [200, PAGE_W - 200]))
    if doc.get("tag") and doc.get("tag_pos") == "bottom":
        out += [Spacer(1, 20), P(doc["tag"], RIGHT)]
    return out


def render(doc, rows, path):
    mark = doc.get("mark", "○")
    story = []
    gray = [("BACKGROUND", (0, 0), (-1, -1), colors.Color(0.85, 0.85, 0.85))]
    for row in rows:
        k = row["k"]
        if k == "sheet":
            if story:
                story.append(PageBreak())
        elif k == "cover":
            story += cover(row["doc"])
        elif k == "toc":
            story += [Spacer(1, 30), P("項目一覧", TITLE), Spacer(1, 10)]
            story.append(framed([[P(x)] for x in row["lines"]], [PAGE_W * 0.8],
                                [("INNERGRID", (0, 0), (-1, -1), 0, colors.white)]))
        elif k == "section":
            story += [P(row["text"], HEAD), Spacer(1, 4)]
        elif k == "item":
            sw = "　".join(box_text(b, mark) for b in row["switch"])
            if sw:
                story.append(framed([[P(row["text"]), P(sw, RIGHT)]], [PAGE_W * 0.62, PAGE_W * 0.38], gray))
            else:
                story.append(framed([[P(row["text"])]], [PAGE_W], gray))
        elif k == "group":
            if row["value"] is None:
                story.append(framed([[P(row["text"])]], [PAGE_W]))
            else:
                story.append(framed([[P(row["text"]), P(row["value"])]], [LAB_W, PAGE_W - LAB_W]))
        elif k == "range":
            story.append(framed([[P(row["text"], SMALL)]], [PAGE_W], gray))
        elif k in ("note", "value"):
            story.append(framed([[P(row.get("text") or row.get("value") or "")]], [PAGE_W]))
        elif k == "wide":
            story.append(framed([[P(row["label"])], [P(row["value"])]], [PAGE_W]))
        elif k == "block":
            story.append(block(row, mark))
        elif k == "table":
            ws = row["widths"]
            tot = sum(ws)
            widths = [PAGE_W * w / tot for w in ws]
            data = [[P(h, CENTER) for h in row["header"]]] + [[P(v) for v in r] for r in row["rows"]]
            story.append(framed(data, widths))
        else:
            raise ValueError(k)

    def footer(canvas, d):
        canvas.setFont(FONT, 8)
        canvas.drawCentredString(A4[0] / 2, 10 * mm, f"-{d.page}-")

    pdf = SimpleDocTemplate(path, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                            bottomMargin=18 * mm, invariant=1, title=doc["cover"]["title"],
                            author="tools/pdfgen", creator="tools/pdfgen (reportlab)")
    pdf.build(story, onFirstPage=footer, onLaterPages=footer)
