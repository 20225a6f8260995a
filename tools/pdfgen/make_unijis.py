"""A reportlab rendering of the same rows, in the non-embedded CID font HeiseiKakuGo-W5 with
the CMap UniJIS-UCS2-H (reportlab's UnicodeCIDFont) and no ToUnicode: text can only be read
through the CMap (codes are UCS-2), as in PDFs made by older Japanese office software.

A plain table layout: label | (sub-label) | value; a choice is `[ value ]` with `＜選択肢＞`
and its options in two columns; checkboxes `[ ○ ] label` in two columns.
"""

from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont

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


def P(text, style=BODY):
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def grid(cells, widths, extra=()):
    t = Table(cells, colWidths=widths)
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                           ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                           ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                           *extra]))
    return t


def framed(cells, widths, extra=()):
    return grid(cells, widths, [("GRID", (0, 0), (-1, -1), 0.5, colors.black), *extra])


def box_text(b, mark):
    return f"[ {mark if b['checked'] else '　'} ] {b['printed']}"


def choice_content(f, width):
    opts = f["printed_options"]
    vw = 110
    ow = width - vw
    if max(len(o) for o in opts) > 16:
        rows = [[P("＜選択肢＞", SMALL)]] + [[P(o, SMALL)] for o in opts]
        optt = grid(rows, [ow])
    else:
        rows = [[P("＜選択肢＞", SMALL), ""]]
        for i in range(0, len(opts), 2):
            rows.append([P(opts[i], SMALL), P(opts[i + 1], SMALL) if i + 1 < len(opts) else ""])
        optt = grid(rows, [ow / 2, ow / 2], [("SPAN", (0, 0), (1, 0))])
    cells = [[P(f"[ {f['printed_value']} ]", CENTER), optt]]
    if f.get("count") is not None:
        cells.append(["", P(f"（ {f['count']} ）　件", RIGHT)])
    return grid(cells, [vw, ow])


def checks_content(f, width, mark):
    boxes, layout = f["boxes"], f["layout"]
    half = width / 2
    rows, spans = [], []

    def pairs(bs):
        row = []
        for b in bs:
            if b.get("detail") is not None or b["key"] == "その他":
                if row:
                    rows.append([P(box_text(row[0], mark)), ""])
                    row = []
                spans.append(len(rows))
                rows.append([P(box_text(b, mark)), ""])
                continue
            row.append(b)
            if len(row) == 2:
                rows.append([P(box_text(row[0], mark)), P(box_text(row[1], mark))])
                row = []
        if row:
            rows.append([P(box_text(row[0], mark)), ""])

    if layout == "grid2":
        pairs(boxes)
    elif layout == "lines":
        for b in boxes:
            spans.append(len(rows))
            rows.append([P(box_text(b, mark)), ""])
    elif layout == "kiroku":
        for head, (a, z) in (("・識別情報", (0, 3)), ("・連絡先等情報", (3, 6)), ("・業務関係情報", (6, 19))):
            spans.append(len(rows))
            rows.append([P(head), ""])
            pairs(boxes[a:z])
    elif layout == "umu":
        rows.append([P(box_text(boxes[0], mark)), P(box_text(boxes[1], mark))])
        rows.append([P(box_text(boxes[2], mark)), ""])
    elif layout == "row3":
        t = grid([[P(box_text(b, mark)) for b in boxes]], [width / 3] * 3)
        return t
    return grid(rows, [half, half], [("SPAN", (0, i), (1, i)) for i in spans])


def field_content(f, width, mark):
    if f["t"] in ("text", "plain"):
        return P(f["value"])
    if f["t"] == "choice":
        return choice_content(f, width)
    return checks_content(f, width, mark)


def block(row, mark):
    fields = row["fields"]
    has_sub = any(f["label"] is not None for f in fields)
    label = "\n".join(row["label"]) if row.get("vertical") else row["label"]
    if not has_sub:
        vw = PAGE_W - LAB_W
        return framed([[P(label), field_content(fields[0], vw - 6, mark)]], [LAB_W, vw])
    vw = PAGE_W - LAB_W - SUB_W
    cells, style = [], []
    for i, f in enumerate(fields):
        first = P(label) if i == 0 else ""
        if f["label"] is None:
            cells.append([first, field_content(f, vw + SUB_W - 6, mark), ""])
            style.append(("SPAN", (1, i), (2, i)))
        else:
            cells.append([first, P(f["label"]), field_content(f, vw - 6, mark)])
    style.append(("SPAN", (0, 0), (0, len(fields) - 1)))
    return framed(cells, [LAB_W, SUB_W, vw], style)


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
