"""The forms (様式3 重点項目評価書, 様式4 全項目評価書) as a list of layout rows.

`build(doc)` turns one document of documents.py into rows that every renderer
(make_xlsx.py, make_unijis.py) lays out and that make_keys.py turns into the answer key.
Labels, option lists and checkbox groups are those of ../shared/docs/forms.md.

Row kinds (dicts, key `k`):
  sheet    start a new worksheet / page                   name
  cover    the cover page                                 doc
  toc      項目一覧                                        lines
  section  `Ⅰ　基本情報`                                  text
  item     `１．特定個人情報ファイル名` (+ section switch)  text, switch[box], where, key_label
  group    `システム1`, `委託事項1 <subject>`, `リスク１：…` text, value, where, key_label
  range    `システム2～5` (the form's collapsed-group bar)   text
  note     a multi-line caption cell (Ⅲ4's risk list)     text
  value    a full-width value under an item heading        value, where, key_label
  wide     full-width label row + full-width value row     label, value
  block    label cell left (spanning), fields right        label, fields[field]
  table    a table (別添 変更箇所)                          header, rows, widths
A field: t = text | choice | checks | plain; label = sub-label (None: value spans the
sub-label column); where / key_label for the key.
A box: key (option as in forms.md), printed (what follows `]`), checked, detail.
"""

CIRC = "①②③④⑤⑥⑦⑧⑨⑩"
FW = str.maketrans("0123456789", "０１２３４５６７８９")
ROMAN = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "V": "Ⅴ", "VI": "Ⅵ"}

# Option lists, exactly as in forms.md / templates/options.txt (numbering stripped).
OPTS = {
    "OPT-TAISHO5": ["1,000人未満", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満", "30万人以上"],
    "OPT-JISSHI": ["実施する", "実施しない", "未定"],
    "OPT-FILETYPE": ["システム用ファイル", "その他の電子ファイル(表計算ファイル等)"],
    "OPT-HONNIN": ["1万人未満", "1万人以上10万人未満", "10万人以上100万人未満", "100万人以上1,000万人未満", "1,000万人以上"],
    "OPT-KOMOKU": ["10項目未満", "10項目以上50項目未満", "50項目以上100項目未満", "100項目以上"],
    "OPT-NINZU6": ["10人未満", "10人以上50人未満", "50人以上100人未満", "100人以上500人未満", "500人以上1,000人未満", "1,000人以上"],
    "OPT-ITAKU": ["委託する", "委託しない"],
    "OPT-HANI": ["特定個人情報ファイルの全体", "特定個人情報ファイルの一部"],
    "OPT-SAIITAKU": ["再委託する", "再委託しない"],
    "OPT-KIKAN": ["1年未満", "1年", "2年", "3年", "4年", "5年", "6年以上10年未満", "10年以上20年未満", "20年以上", "定められていない"],
    "OPT-JUUBUN": ["特に力を入れている", "十分である", "課題が残されている"],
    "OPT-OKONAU": ["行っている", "行っていない"],
    "OPT-OKONAU3": ["特に力を入れて行っている", "十分に行っている", "十分に行っていない"],
    "OPT-SAIITAKU-TANPO": ["特に力を入れて行っている", "十分に行っている", "十分に行っていない", "再委託していない"],
    "OPT-KIROKU": ["記録を残している", "記録を残していない"],
    "OPT-SADAME": ["定めている", "定めていない"],
    "OPT-SEIGEN": ["制限している", "制限していない"],
    "OPT-NISC": ["特に力を入れて遵守している", "十分に遵守している", "十分に遵守していない", "政府機関ではない"],
    "OPT-SEIBI": ["特に力を入れて整備している", "十分に整備している", "十分に整備していない"],
    "OPT-SHUCHI": ["特に力を入れて周知している", "十分に周知している", "十分に周知していない"],
    "OPT-JIKO": ["発生あり", "発生なし"],
    "OPT-HOKAN": ["保管している", "保管していない"],
    "OPT-TESURYO": ["有料", "無料"],
    "OPT-SHIKII-4": ["基礎項目評価及び全項目評価の実施が義務付けられる",
                     "基礎項目評価及び重点項目評価の実施が義務付けられる(任意に全項目評価を実施)",
                     "基礎項目評価の実施が義務付けられる(任意に全項目評価を実施)",
                     "特定個人情報保護評価の実施が義務付けられない(任意に全項目評価を実施)"],
    "OPT-SHIKII-3": ["基礎項目評価及び重点項目評価の実施が義務付けられる",
                     "基礎項目評価の実施が義務付けられる(任意に重点項目評価を実施)",
                     "特定個人情報保護評価の実施が義務付けられない(任意に重点項目評価を実施)"],
}

# Checkbox groups: option (as in forms.md, the key's `option`) and whether it takes （ ）.
CBS = {
    "CB-SYS": ["情報提供ネットワークシステム", "庁内連携システム", "住民基本台帳ネットワークシステム",
               "既存住民基本台帳システム", "宛名システム等", "税務システム", "その他()"],
    "CB-KIROKU": ["個人番号", "個人番号対応符号", "その他識別情報(内部番号)",
                  "4情報(氏名、性別、生年月日、住所)", "連絡先(電話番号等)", "その他住民票関係情報",
                  "国税関係情報", "地方税関係情報", "健康・医療関係情報", "医療保険関係情報",
                  "児童福祉・子育て関係情報", "障害者福祉関係情報", "生活保護・社会福祉関係情報",
                  "介護・高齢者福祉関係情報", "雇用・労働関係情報", "年金関係情報", "学校・教育関係情報",
                  "災害関係情報", "その他()"],
    "CB-NYUSHUMOTO": ["本人又は本人の代理人", "評価実施機関内の他部署()", "行政機関・独立行政法人等()",
                      "地方公共団体・地方独立行政法人()", "民間事業者()", "その他()"],
    "CB-NYUSHUHOHO": ["紙", "電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ", "電子メール", "専用線",
                      "庁内連携システム", "情報提供ネットワークシステム", "その他()"],
    "CB-TEIKYOUMU": ["提供を行っている()", "移転を行っている()", "行っていない"],
    "CB-TEIKYOHOHO": ["情報提供ネットワークシステム", "専用線", "電子メール", "電子記録媒体(フラッシュメモリを除く。)",
                      "フラッシュメモリ", "紙", "その他()"],
    "CB-ITENHOHO": ["庁内連携システム", "専用線", "電子メール", "電子記録媒体(フラッシュメモリを除く。)",
                    "フラッシュメモリ", "紙", "その他()"],
    "CB-ITAKUHOHO": ["専用線", "電子メール", "電子記録媒体(フラッシュメモリを除く。)", "フラッシュメモリ", "紙", "その他()"],
    "CB-KANSA": ["自己点検", "内部監査", "外部監査"],
}


def fwp(s):
    """Parentheses as the Excel forms print them (full width)."""
    return s.replace("(", "（").replace(")", "）")


def cb(group, *on, detail=None):
    """A checkbox group's state: the options that are checked, and the text in （ ）."""
    detail = detail or {}
    names = [o[:-2] if o.endswith("()") else o for o in CBS[group]]
    for o in list(on) + list(detail):
        assert o in names, f"{group}: unknown option {o!r}"
    return {"group": group, "boxes": [
        {"key": n, "checked": n in on, "detail": detail.get(n), "has_detail": o.endswith("()")}
        for n, o in zip(names, CBS[group])]}


def num(n):
    """3 → `③`: a field's circled number."""
    return CIRC[n - 1]


def kind_of(doc):
    return "全項目評価書" if doc["form"] == 4 else "重点項目評価書"


def plain_label(label):
    """`①事務の名称` → `事務の名称`; `委託の有無　※` → `委託の有無`."""
    s = label
    if s and s[0] in CIRC:
        s = s[1:]
    s = s.replace("※", "").strip().strip("\u3000").strip()
    return s


# Texts keyed under their parent choice when the label repeats (CONVENTIONS.md).
DEPENDENT = {"具体的な管理方法", "具体的な方法", "具体的な制限方法", "ルールの内容及びルール遵守の確認方法",
             "規定の内容", "手順の内容", "具体的な対策の内容", "具体的な保管方法", "具体的なチェック方法",
             "具体的な内容", "その内容", "再発防止策の内容",
             "委託先から他者への提供に関するルールの内容及びルール遵守の確認方法",
             "委託元と委託先間の提供に関するルールの内容及びルール遵守の確認方法"}


class Form:
    def __init__(self, doc):
        self.doc = doc
        self.rows = []
        self.sec = None
        self.item_no = None
        self.grp = None
        self.circ_where = False
        self.last_choice = None

    # -- structure ------------------------------------------------------------------
    def add(self, **row):
        self.rows.append(row)
        return row

    def sheet(self, name):
        self.add(k="sheet", name=name)

    def section(self, roman, title):
        """A part on a sheet of its own, `Ⅰ　基本情報` on sheet `Ⅰ`; roman as the key's `where`."""
        self.sheet(ROMAN[roman])
        self.sec, self.item_no, self.grp = roman, None, None
        self.add(k="section", text=f"{ROMAN[roman]}　{title}")

    def item(self, n, title, switch=None, switch_label=None, circ_where=False):
        self.item_no, self.grp, self.circ_where, self.last_choice = str(n), None, circ_where, None
        boxes = []
        for key, checked in (switch or []):
            boxes.append({"key": key, "printed": fwp(key), "checked": checked, "detail": None})
        return self.add(k="item", text=f"{str(n).translate(FW)}．{title}", title=title, switch=boxes,
                        where=[self.sec, self.item_no], key_label=switch_label)

    def group(self, name, value=None):
        self.grp, self.last_choice = name, None
        self.add(k="group", text=name, value=value, where=self.where(), key_label=name)

    def risk(self, n, title):
        """`リスク１：　目的外の入手…`; a risk without number (重点 form) is group `リスク`."""
        if n is None:
            self.grp = "リスク"
            text = f"リスク：　{title}"
        else:
            self.grp = f"リスク{n}"
            text = f"リスク{str(n).translate(FW)}：　{title}"
        self.last_choice = None
        self.add(k="group", text=text, value=None, where=self.where(), key_label=None)

    def range(self, text):
        self.add(k="range", text=text)

    def note(self, text):
        self.add(k="note", text=text)

    def where(self, circ=None):
        w = [self.sec, self.item_no]
        if self.grp and self.grp != "リスク":
            w.append(self.grp)
        if circ and self.circ_where:
            w.append(str(circ))
        return w

    def value(self, value, key_label=None):
        self.add(k="value", value=value, where=self.where(), key_label=key_label)

    def item_value(self, n, title, value, keyed=True):
        """An item with one full-width value (`３．特定個人情報ファイル名`), keyed by the title
        unless keyed=False (備考, その他のリスク対策)."""
        self.item(n, title)
        self.value(value, key_label=title if keyed else None)

    def wide(self, label, value):
        self.add(k="wide", label=label, value=value)

    # -- fields ---------------------------------------------------------------------
    @staticmethod
    def circ_of(label):
        return CIRC.index(label[0]) + 1 if label and label[0] in CIRC else None

    def paren(self):
        return self.doc.get("num_paren", {}).get(self.sec, ")")

    def T(self, label, value, circ=None, key_label=None, sub=False):
        kl = key_label or plain_label(label)
        f = {"t": "text", "label": label if sub else None, "value": value,
             "where": self.where(circ), "key_label": kl, "parent": None}
        if kl in DEPENDENT and self.last_choice:
            f["parent"] = self.last_choice
        return f

    def C(self, label, lst, value, circ=None, key_label=None, sub=False, count=None):
        opts = OPTS[lst]
        assert value in opts, f"{lst}: {value!r} not an option"
        kl = key_label or plain_label(label)
        self.last_choice = kl
        p = self.paren()
        return {"t": "choice", "label": label if sub else None, "list": lst, "value": value,
                "printed_value": fwp(value),
                "printed_options": [f"{i}{p} {fwp(o)}" for i, o in enumerate(opts, 1)],
                "where": self.where(circ), "key_label": kl, "count": count}

    def X(self, label, state, layout, circ=None, key_label=None, sub=False, counts=None):
        boxes = []
        for b in state["boxes"]:
            printed = fwp(b["key"])
            if state["group"] == "CB-TEIKYOUMU" and b["has_detail"]:
                n = (counts or {}).get(b["key"], "") if b["checked"] else ""
                printed = f"{printed} （ {n} ） 件"
            elif b["has_detail"]:
                printed = f"{printed} （ {b['detail'] or ''} ）"
            boxes.append({"key": b["key"], "printed": printed, "checked": b["checked"], "detail": b["detail"]})
        return {"t": "checks", "label": label if sub else None, "group": state["group"], "boxes": boxes,
                "layout": layout, "where": self.where(circ), "key_label": key_label or plain_label(label)}

    def P(self, text):
        return {"t": "plain", "label": None, "value": text}

    def block(self, label, *fields, vertical=False):
        self.add(k="block", label=label, fields=list(fields), vertical=vertical)

    # one-field blocks
    def text(self, label, value, **kw):
        self.block(label, self.T(label, value, circ=self.circ_of(label), **kw))

    def choice(self, label, lst, value, **kw):
        self.block(label, self.C(label, lst, value, circ=self.circ_of(label), **kw))

    def checks(self, label, state, layout, **kw):
        self.block(label, self.X(label, state, layout, circ=self.circ_of(label), **kw))

    # a choice or text with sub-labelled texts under it (subs: (sub-label, value)), all
    # under the label's circled number: `⑤物理的対策` + `具体的な対策の内容`
    def choice_block(self, label, lst, value, *subs, **kw):
        n = self.circ_of(label)
        self.block(label, self.C(label, lst, value, circ=n, **kw),
                   *(self.T(sub, v, circ=n, sub=True) for sub, v in subs))

    def text_block(self, label, value, *subs):
        n = self.circ_of(label)
        self.block(label, self.T(label, value, circ=n),
                   *(self.T(sub, v, circ=n, sub=True) for sub, v in subs))


# ---------------------------------------------------------------------------------------
# Parts both forms share: `four` is True for 様式4, False for 様式3; where the forms differ
# (fields only one has, `※` marks, numbering) the code says so.

TOC4 = ["Ⅰ　基本情報", "　（別添１） 事務の内容", "Ⅱ　特定個人情報ファイルの概要",
        "　（別添２） 特定個人情報ファイル記録項目",
        "Ⅲ　特定個人情報ファイルの取扱いプロセスにおけるリスク対策", "Ⅳ　その他のリスク対策",
        "Ⅴ　開示請求、問合せ", "Ⅵ　評価実施手続", "　（別添３）　変更箇所"]
TOC3 = ["Ⅰ　基本情報", "Ⅱ　特定個人情報ファイルの概要", "　（別添１） 特定個人情報ファイル記録項目",
        "Ⅲ　リスク対策", "Ⅳ　開示請求、問合せ", "Ⅴ　評価実施手続", "　（別添２）　変更箇所"]


def start(doc, toc):
    """The cover and 項目一覧."""
    f = Form(doc)
    f.sheet("表紙")
    f.add(k="cover", doc=doc)
    f.sheet("項目一覧")
    f.add(k="toc", lines=toc)
    return f


def groups(f, name, entries, value=None):
    """One group per entry, `<name>1`, `<name>2`, … with the form's bar `<name>2～5` before the
    second, valued by entry[value] if given; yields the entries."""
    for j, e in enumerate(entries, 1):
        if j == 2:
            f.range(f"{name}2～5")
        f.group(f"{name}{j}", value=e[value] if value else None)
        yield e


def basic_info(f, I, four):
    """Ⅰ 基本情報 (様式3 has no ４．特定個人情報ファイルを取り扱う理由)."""
    f.section("I", "基本情報")
    f.item(1, "特定個人情報ファイルを取り扱う事務")
    f.text("①事務の名称", I["jimu"])
    f.text("②事務の内容　※" if four else "②事務の内容", I["naiyou"])
    f.choice("③対象人数", "OPT-TAISHO5", I["taisho"])
    f.item(2, "特定個人情報ファイルを取り扱う事務において使用するシステム")
    for s in groups(f, "システム", I["systems"]):
        f.text("①システムの名称", s["name"])
        f.text("②システムの機能", s["kinou"])
        f.checks("③他のシステムとの接続", s["conn"], "grid2")
    f.item_value(3, "特定個人情報ファイル名", I["file"])
    n = 4
    if four:
        f.item(4, "特定個人情報ファイルを取り扱う理由")
        f.text("①事務実施上の必要性", I["hitsuyou"])
        f.text("②実現が期待されるメリット", I["merit"])
        n = 5
    f.item(n, "個人番号の利用　※")
    f.text("法令上の根拠", I["riyou_konkyo"])
    f.item(n + 1, "情報提供ネットワークシステムによる情報連携　※")
    f.choice("①実施の有無", "OPT-JISSHI", I["renkei"])
    f.text("②法令上の根拠", I["renkei_konkyo"])
    f.item(n + 2, "評価実施機関における担当部署")
    f.text("①部署", I["busho"])
    f.text("②所属長の役職名", I["shozokuchou"])
    f.item_value(n + 3, "他の評価実施機関", I["other"])


def file_outline(f, doc, four):
    """Ⅱ 特定個人情報ファイルの概要 and its appendix 特定個人情報ファイル記録項目."""
    II = doc["II"]
    mark = "　※" if four else ""       # 様式3 prints fewer `※`
    f.section("II", "特定個人情報ファイルの概要")
    f.item_value(1, "特定個人情報ファイル名", II["file"])
    f.item(2, "基本情報")
    f.choice("①ファイルの種類　※", "OPT-FILETYPE", II["kind"])
    f.choice("②対象となる本人の数", "OPT-HONNIN", II["honnin"])
    f.text_block("③対象となる本人の範囲　※", II["hani"], ("その必要性", II["hitsuyou"]))
    f.block("④記録される項目",
            f.C("④記録される項目", "OPT-KOMOKU", II["komoku"], circ=4),
            f.X("主な記録項目　※", II["kiroku"], "kiroku", circ=4, sub=True),
            f.T("その妥当性", II["datousei"], circ=4, sub=True),
            f.T("全ての記録項目", II["subete"], circ=4, sub=True))
    f.text("⑤保有開始日", II["hoyu"])
    f.text("⑥事務担当部署", II["tantou"])

    f.item(3, "特定個人情報の入手・使用")
    f.checks("①入手元　※", II["moto"], "lines")
    f.checks("②入手方法", II["houhou"], "grid2")
    if four:
        f.text("③入手の時期・頻度", II["jiki"])
        f.text("④入手に係る妥当性", II["datou"])
        f.text("⑤本人への明示", II["meiji"])
        f.text_block("⑥使用目的　※", II["mokuteki"], ("変更の妥当性", II["henkou"]))
        n = 7
    else:
        f.text("③使用目的　※", II["mokuteki"])
        n = 4
    f.block(f"{num(n)}使用の主体",
            f.T(f"使用部署{mark}", II["shiyou_busho"], circ=n, sub=True),
            f.C("使用者数", "OPT-NINZU6", II["shiyousha"], circ=n, sub=True))
    uses = [(f"情報の突合{mark}", II["totsugou"])]
    if four:
        uses += [("情報の統計分析　※", II["toukei"]), ("権利利益に影響を与え得る決定　※", II["kettei"])]
    f.text_block(f"{num(n + 1)}使用方法{mark}", II["shiyou_houhou"], *uses)
    f.text(f"{num(n + 2)}使用開始日", II["kaishi"])

    f.item(4, "特定個人情報ファイルの取扱いの委託")
    f.choice("委託の有無　※", "OPT-ITAKU", II["itaku"], count=len(II["itaku_list"]))
    for it in groups(f, "委託事項", II["itaku_list"], value="subject"):
        f.text("①委託内容", it["naiyou"])
        if four:
            f.block("②取扱いを委託する特定個人情報ファイルの範囲",
                    f.C("②取扱いを委託する特定個人情報ファイルの範囲", "OPT-HANI", it["hani"], circ=2),
                    f.C("対象となる本人の数", "OPT-HONNIN", it["honnin"], circ=2, sub=True),
                    f.T("対象となる本人の範囲　※", it["taisho"], circ=2, sub=True),
                    f.T("その妥当性", it["datousei"], circ=2, sub=True))
            f.choice("③委託先における取扱者数", "OPT-NINZU6", it["ninzu"])
            f.checks("④委託先への特定個人情報ファイルの提供方法", it["hoho"], "grid2")
            f.text("⑤委託先名の確認方法", it["kakunin"])
            f.text("⑥委託先名", it["saki"])
            n = 7
        else:
            f.choice("②委託先における取扱者数", "OPT-NINZU6", it["ninzu"])
            f.text("③委託先名", it["saki"])
            n = 4
        f.block("再委託",
                f.C(f"{num(n)}再委託の有無　※", "OPT-SAIITAKU", it["sai"], sub=True),
                f.T(f"{num(n + 1)}再委託の許諾方法", it["kyodaku"], sub=True),
                f.T(f"{num(n + 2)}再委託事項", it["sai_jikou"], sub=True), vertical=True)

    f.item(5, "特定個人情報の提供・移転（委託に伴うものを除く。）")
    counts = {"提供を行っている": len(II["teikyo"]), "移転を行っている": len(II["iten"])}
    f.checks("提供・移転の有無", II["umu"], "umu", counts=counts)
    for verb, entries in (("提供", II["teikyo"]), ("移転", II["iten"])):
        for t in groups(f, f"{verb}先", entries, value="to"):
            f.text("①法令上の根拠", t["konkyo"])
            f.text(f"②{verb}先における用途", t["youto"])
            f.text(f"③{verb}する情報", t["info"])
            f.choice(f"④{verb}する情報の対象となる本人の数", "OPT-HONNIN", t["honnin"])
            f.text(f"⑤{verb}する情報の対象となる本人の範囲", t["hani"])
            f.checks(f"⑥{verb}方法", t["hoho"], "grid2")
            f.text("⑦時期・頻度", t["jiki"])

    f.item(6, "特定個人情報の保管・消去")
    if four:
        f.text("①保管場所　※", II["hokan"])
        f.block("②保管期間",
                f.C("期間", "OPT-KIKAN", II["kikan"], circ=2, sub=True),
                f.T("その妥当性", II["kikan_datou"], circ=2, sub=True))
        f.text("③消去方法", II["shoukyo"])
    else:
        f.text("保管場所　※", II["hokan"])
    f.item_value(7, "備考", II["bikou"], keyed=False)

    appendix = "（別添２）" if four else "（別添１）"
    items = II.get("beppyo") or []
    f.sheet(appendix)
    f.add(k="section", text=f"{appendix} 特定個人情報ファイル記録項目")
    if items:
        f.add(k="note", text="【" + II["file"] + "】\n" + "、".join(f"{i}.{x}" for i, x in enumerate(items, 1)))


def disclosure(f, roman, S, four):
    """開示請求、問合せ: Ⅴ of 様式4, Ⅳ of 様式3 (without 特記事項, 手数料等, ファイル簿の公表)."""
    f.section(roman, "開示請求、問合せ")
    f.item(1, "特定個人情報の開示・訂正・利用停止請求", circ_where=four)
    f.text("①請求先", S["seikyuu"])
    if four:
        f.text_block("②請求方法", S["houhou"], ("特記事項", S["tokki"]))
        f.block("③手数料等",
                f.C("③手数料等", "OPT-TESURYO", S["tesuryo"], circ=3),
                f.P(f"（手数料額、納付方法：　{S['tesuryo_text']}　）"))
        f.choice_block("④個人情報ファイル簿の公表", "OPT-OKONAU", S["koukai"],
                       ("個人情報ファイル名", S["koukai_file"]), ("公表場所", S["koukai_basho"]))
        n = 5
    else:
        f.text("②請求方法", S["houhou"])
        n = 3
    f.text(f"{num(n)}法令による特別の手続", S["tokubetsu"])
    f.text(f"{num(n + 1)}個人情報ファイル簿への不記載等", S["fukisai"])
    f.item(2, "特定個人情報ファイルの取扱いに関する問合せ")
    f.text("①連絡先", S["renraku"])
    f.text("②対応方法", S["taiou"])


def procedure(f, doc, roman, four):
    """評価実施手続 (Ⅵ of 様式4, Ⅴ of 様式3) and the appendix 変更箇所."""
    S = doc[roman]
    optional = "" if four else "　【任意】"
    f.section(roman, "評価実施手続")
    f.item(1, "基礎項目評価")
    f.text("①実施日", S["jisshi"])
    f.choice("②しきい値判断結果", "OPT-SHIKII-4" if four else "OPT-SHIKII-3", S["shikii"])
    f.item(2, "国民・住民等からの意見の聴取" + optional)
    f.text("①方法", S["iken_houhou"])
    f.text("②実施日・期間", S["iken_kikan"])
    if four:
        f.text("③期間を短縮する特段の理由", S["tanshuku"])
        f.text("④主な意見の内容", S["iken_naiyou"])
        f.text("⑤評価書への反映", S["hanei"])
    else:
        f.text("③主な意見の内容", S["iken_naiyou"])
    f.item(3, "第三者点検" + optional)
    f.text("①実施日", S["daisansha_bi"])
    f.text("②方法", S["daisansha_houhou"])
    f.text("③結果", S["daisansha_kekka"])
    if four:
        f.item(4, "個人情報保護委員会の承認　【行政機関等のみ】")
        f.text("①提出日", S["teishutsu"])
        f.text("②個人情報保護委員会による審査", S["shinsa"])

    appendix = "（別添３）" if four else "（別添２）"
    f.sheet(appendix)
    f.add(k="section", text=f"{appendix}　変更箇所")
    f.add(k="table", header=["変更日", "項目", "変更前の記載", "変更後の記載", "提出時期", "提出時期に係る説明"],
          rows=[list(r) for r in doc.get("changes", [])], widths=[4, 6, 6, 6, 3, 5])


# ---------------------------------------------------------------------------------------
# Ⅲ: items 2–7 have the same headings (title, section switch) in both forms; their risks differ.

III_ITEMS = {
    2: "特定個人情報の入手（情報提供ネットワークシステムを通じた入手を除く。）",
    3: "特定個人情報の使用",
    4: "特定個人情報ファイルの取扱いの委託",
    5: "特定個人情報の提供・移転（委託や情報提供ネットワークシステムを通じた提供を除く。）",
    6: "情報提供ネットワークシステムとの接続",
    7: "特定個人情報の保管・消去",
}
# item: the switch's key label, its boxes (option, key of the document's Ⅲ)
III_SWITCHES = {
    4: ("取扱いの委託", [("委託しない", "sw_itaku")]),
    5: ("特定個人情報の提供・移転", [("提供・移転しない", "sw_teikyo")]),
    6: ("情報提供ネットワークシステムとの接続", [("接続しない(入手)", "sw_nyushu"), ("接続しない(提供)", "sw_teikyo6")]),
}


class Risks:
    """Writes Ⅲ of either form: the part heading and ``１．特定個人情報ファイル名``, then (through
    the methods) item headings and the rows that recur in every risk, taking the document's Ⅲ
    texts and choices by key (`t["2.1.sochi"]`, `c["2.1"]`)."""

    def __init__(self, f, doc, title):
        self.f, self.III = f, doc["III"]
        self.t, self.c = self.III["texts"], self.III["choices"]
        f.section("III", title)
        f.item_value(1, "特定個人情報ファイル名", self.III["file"])

    def item(self, n):
        label, boxes = III_SWITCHES.get(n, (None, []))
        self.f.item(n, III_ITEMS[n], switch=[(box, self.III[key]) for box, key in boxes], switch_label=label,
                    circ_where=n == 7)

    def text(self, label, key):
        self.f.text(label, self.t[key])

    def measure(self, label, lst, key, text_label):
        """A choice and the text that describes it: `ユーザ認証の管理` + `具体的な管理方法`."""
        self.f.choice(label, lst, self.c[key])
        self.f.text(text_label, self.t[key])

    def juubun(self, key):
        self.f.choice("リスクへの対策は十分か", "OPT-JUUBUN", self.c[key])

    def close(self, key):
        """The end of a risk: `その他の措置の内容` (keyed under no choice) and `リスクへの対策は十分か`."""
        self.f.last_choice = None
        self.text("その他の措置の内容", f"{key}.sonota")
        self.juubun(key)

    def sochi(self, n, title, key):
        """A risk of one text, `リスクに対する措置の内容`."""
        self.f.risk(n, title)
        self.text("リスクに対する措置の内容", f"{key}.sochi")
        self.juubun(key)

    def jiko(self, n, key, naiyou, saihatsu):
        """`⑨過去３年以内に、…重大事故が発生したか` with その内容 and 再発防止策の内容."""
        label = f"{num(n)}過去３年以内に、評価実施機関において、個人情報に関する重大事故が発生したか"
        self.f.choice_block(label, "OPT-JIKO", self.c[key], ("その内容", naiyou), ("再発防止策の内容", saihatsu),
                            key_label="重大事故が発生したか")

    def contract(self, word):
        """Ⅲ4's last risk rows in both forms: the contract's 規定 and 再委託先 (`…適切な取扱いの確保`
        in 様式4, `…の担保` in 様式3), then the item's end."""
        self.measure("委託契約書中の特定個人情報ファイルの取扱いに関する規定", "OPT-SADAME", "4.kitei", "規定の内容")
        self.measure(f"再委託先による特定個人情報ファイルの適切な取扱いの{word}", "OPT-SAIITAKU-TANPO", "4.saiitaku",
                     "具体的な方法")
        self.close("4")
        self.other(4)

    def other(self, n):
        """An item's closing full-width row `…におけるその他のリスク及びそのリスクに対する措置`."""
        self.f.grp = None
        joint = "に伴う" if n == 6 else "における"
        self.f.wide(f"{III_ITEMS[n]}{joint}その他のリスク及びそのリスクに対する措置", self.t[f"{n}.other"])


# ---------------------------------------------------------------------------------------
# 様式4 全項目評価書

def risks4(f, doc):
    r = Risks(f, doc, "特定個人情報ファイルの取扱いプロセスにおけるリスク対策　※（７．リスク１⑨を除く。）")
    III, t, c = r.III, r.t, r.c

    r.item(2)
    f.risk(1, "目的外の入手が行われるリスク")
    r.text("対象者以外の情報の入手を防止するための措置の内容", "2.1.taishousha")
    r.text("必要な情報以外を入手することを防止するための措置の内容", "2.1.hitsuyou")
    r.close("2.1")
    r.sochi(2, "不適切な方法で入手が行われるリスク", "2.2")
    f.risk(3, "入手した特定個人情報が不正確であるリスク")
    r.text("入手の際の本人確認の措置の内容", "2.3.honnin")
    r.text("個人番号の真正性確認の措置の内容", "2.3.shinsei")
    r.text("特定個人情報の正確性確保の措置の内容", "2.3.seikaku")
    r.close("2.3")
    r.sochi(4, "入手の際に特定個人情報が漏えい・紛失するリスク", "2.4")
    r.other(2)

    r.item(3)
    f.risk(1, "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク")
    r.text("宛名システム等における措置の内容", "3.1.atena")
    r.text("事務で使用するその他のシステムにおける措置の内容", "3.1.jimu")
    r.close("3.1")
    f.risk(2, "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク")
    r.measure("ユーザ認証の管理", "OPT-OKONAU", "3.2.user", "具体的な管理方法")
    r.measure("アクセス権限の発効・失効の管理", "OPT-OKONAU", "3.2.hakkou", "具体的な管理方法")
    r.measure("アクセス権限の管理", "OPT-OKONAU", "3.2.kanri", "具体的な管理方法")
    r.measure("特定個人情報の使用の記録", "OPT-KIROKU", "3.2.kiroku", "具体的な方法")
    r.close("3.2")
    r.sochi(3, "従業者が事務外で使用するリスク", "3.3")
    r.sochi(4, "特定個人情報ファイルが不正に複製されるリスク", "3.4")
    r.other(3)

    r.item(4)
    f.grp = "リスク"
    f.note("委託先による特定個人情報の不正入手・不正な使用に関するリスク\n"
           "委託先による特定個人情報の不正な提供に関するリスク\n"
           "委託先による特定個人情報の保管・消去に関するリスク\n"
           "委託契約終了後の不正な使用等のリスク\n"
           "再委託に関するリスク")
    r.text("情報保護管理体制の確認", "4.taisei")
    r.measure("特定個人情報ファイルの閲覧者・更新者の制限", "OPT-SEIGEN", "4.seigen", "具体的な制限方法")
    r.measure("特定個人情報ファイルの取扱いの記録", "OPT-KIROKU", "4.kiroku", "具体的な方法")
    f.choice("特定個人情報の提供ルール", "OPT-SADAME", c["4.teikyo"])
    r.text("委託先から他者への提供に関するルールの内容及びルール遵守の確認方法", "4.teikyo_tasha")
    r.text("委託元と委託先間の提供に関するルールの内容及びルール遵守の確認方法", "4.teikyo_moto")
    r.measure("特定個人情報の消去ルール", "OPT-SADAME", "4.shoukyo", "ルールの内容及びルール遵守の確認方法")
    r.contract("確保")

    r.item(5)
    f.risk(1, "不正な提供・移転が行われるリスク")
    r.measure("特定個人情報の提供・移転の記録", "OPT-KIROKU", "5.1.kiroku", "具体的な方法")
    r.measure("特定個人情報の提供・移転に関するルール", "OPT-SADAME", "5.1.rule", "ルールの内容及びルール遵守の確認方法")
    r.close("5.1")
    r.sochi(2, "不適切な方法で提供・移転が行われるリスク", "5.2")
    r.sochi(3, "誤った情報を提供・移転してしまうリスク、誤った相手に提供・移転してしまうリスク", "5.3")
    r.other(5)

    r.item(6)
    for n, title in enumerate(["目的外の入手が行われるリスク", "安全が保たれない方法によって入手が行われるリスク",
                               "入手した特定個人情報が不正確であるリスク", "入手の際に特定個人情報が漏えい・紛失するリスク",
                               "不正な提供が行われるリスク", "不適切な方法で提供されるリスク",
                               "誤った情報を提供してしまうリスク、誤った相手に提供してしまうリスク"], 1):
        r.sochi(n, title, f"6.{n}")
    r.other(6)

    r.item(7)
    f.risk(1, "特定個人情報の漏えい・滅失・毀損リスク")
    f.choice("①NISC政府機関統一基準群", "OPT-NISC", c["7.1.nisc"])
    f.choice("②安全管理体制", "OPT-SEIBI", c["7.1.taisei"])
    f.choice("③安全管理規程", "OPT-SEIBI", c["7.1.kitei"])
    f.choice("④安全管理体制・規程の職員への周知", "OPT-SHUCHI", c["7.1.shuchi"])
    f.choice_block("⑤物理的対策", "OPT-OKONAU3", c["7.1.butsuri"], ("具体的な対策の内容", t["7.1.butsuri"]))
    f.choice_block("⑥技術的対策", "OPT-OKONAU3", c["7.1.gijutsu"], ("具体的な対策の内容", t["7.1.gijutsu"]))
    f.choice("⑦バックアップ", "OPT-OKONAU3", c["7.1.backup"])
    f.choice("⑧事故発生時手順の策定・周知", "OPT-OKONAU3", c["7.1.jiko_tejun"])
    happened = c["7.1.jiko"] == "発生あり"
    r.jiko(9, "7.1.jiko", III["jiko_naiyou"] if happened else t["7.1.jiko_naiyou"],
           III["saihatsu"] if happened else t["7.1.saihatsu"])
    f.choice_block("⑩死者の個人番号", "OPT-HOKAN", c["7.1.shisha"], ("具体的な保管方法", t["7.1.shisha"]))
    r.close("7.1")
    r.sochi(2, "特定個人情報が古い情報のまま保管され続けるリスク", "7.2")
    f.risk(3, "特定個人情報が消去されずいつまでも存在するリスク")
    r.measure("消去手順", "OPT-SADAME", "7.3.tejun", "手順の内容")
    r.close("7.3")
    r.other(7)


def other_risks4(f, IV):
    f.section("IV", "その他のリスク対策　※")
    f.item(1, "監査", circ_where=True)
    f.choice_block("①自己点検", "OPT-OKONAU3", IV["jiko_tenken"], ("具体的なチェック方法", IV["jiko_tenken_text"]))
    f.choice_block("②監査", "OPT-OKONAU3", IV["kansa"], ("具体的な内容", IV["kansa_text"]))
    f.item(2, "従業者に対する教育・啓発")
    f.choice_block("従業者に対する教育・啓発", "OPT-OKONAU3", IV["kyouiku"], ("具体的な方法", IV["kyouiku_text"]))
    f.item_value(3, "その他のリスク対策", IV["sonota"], keyed=False)


def build4(doc):
    f = start(doc, TOC4)
    basic_info(f, doc["I"], four=True)
    file_outline(f, doc, four=True)
    risks4(f, doc)
    other_risks4(f, doc["IV"])
    disclosure(f, "V", doc["V"], four=True)
    procedure(f, doc, "VI", four=True)
    return f.rows


# ---------------------------------------------------------------------------------------
# 様式3 重点項目評価書

def risks3(f, doc):
    """Ⅲ of 様式3, Ⅲ8–10 (監査, 教育・啓発, その他のリスク対策) included."""
    r = Risks(f, doc, "リスク対策　※（７．②を除く。）")
    III, t, c = r.III, r.t, r.c

    r.item(2)
    r.sochi(None, "目的外の入手が行われるリスク", "2")
    r.other(2)

    r.item(3)
    r.sochi(1, "目的を超えた紐付け、事務に必要のない情報との紐付けが行われるリスク", "3.1")
    f.risk(2, "権限のない者（元職員、アクセス権限のない職員等）によって不正に使用されるリスク")
    r.measure("ユーザ認証の管理", "OPT-OKONAU", "3.2.user", "具体的な管理方法")
    r.close("3.2")
    r.other(3)

    r.item(4)
    f.risk(None, "委託先における不正な使用等のリスク")
    r.contract("担保")

    r.item(5)
    if not III["sw_teikyo"]:
        f.risk(None, "不正な提供・移転が行われるリスク")
        r.measure("特定個人情報の提供・移転に関するルール", "OPT-SADAME", "5.rule", "ルールの内容及びルール遵守の確認方法")
        r.close("5")
        r.other(5)

    r.item(6)
    if III.get("risk6_1", True):
        r.sochi(1, "目的外の入手が行われるリスク", "6.1")
    if III.get("risk6_2", True):
        r.sochi(2, "不正な提供が行われるリスク", "6.2")
    r.other(6)

    r.item(7)
    f.risk(None, "特定個人情報の漏えい・滅失・毀損リスク")
    f.choice("①事故発生時手順の策定・周知", "OPT-OKONAU3", c["7.jiko_tejun"])
    r.jiko(2, "7.jiko", t["7.jiko_naiyou"], t["7.saihatsu"])
    r.close("7")
    r.other(7)

    f.item(8, "監査")
    f.checks("実施の有無", III["kansa"], "row3")
    f.item(9, III["kyouiku_label"])
    f.choice_block(III["kyouiku_label"], "OPT-OKONAU3", c["9"], ("具体的な方法", t["9.houhou"]))
    f.item_value(10, "その他のリスク対策", t["10"], keyed=False)


def build3(doc):
    f = start(doc, TOC3)
    basic_info(f, doc["I"], four=False)
    file_outline(f, doc, four=False)
    risks3(f, doc)
    disclosure(f, "IV", doc["IV"], four=False)
    procedure(f, doc, "V", four=False)
    return f.rows


def build(doc):
    return build4(doc) if doc["form"] == 4 else build3(doc)


# ---------------------------------------------------------------------------------------
# 様式2 基礎項目評価書 (../../templates/yoshiki2.md says which parts are confirmed by a published
# document and which are assumed). No 項目一覧: the cover runs straight into Ⅰ 関連情報.
# doc["version"]: "H26" (②所属長), "H28" (②所属長の役職名), "H29" (+ Ⅳ リスク対策).

OPTS["OPT-TAISHO2"] = ["1,000人未満(任意実施)", "1,000人以上1万人未満", "1万人以上10万人未満", "10万人以上30万人未満",
                       "30万人以上"]
OPTS["OPT-TORIATSUKAI"] = ["500人以上", "500人未満"]
OPTS["OPT-SHIKII-2"] = ["基礎項目評価及び全項目評価の実施が義務付けられる",
                        "基礎項目評価及び重点項目評価の実施が義務付けられる",
                        "基礎項目評価の実施が義務付けられる",
                        "特定個人情報保護評価の実施が義務付けられない(任意実施)"]
OPTS["OPT-SHURUI"] = ["基礎項目評価書", "基礎項目評価書及び重点項目評価書", "基礎項目評価書及び全項目評価書"]

_kind_of_34 = kind_of


def kind_of(doc):  # noqa: F811  (様式2 added to the two forms above)
    return "基礎項目評価書" if doc["form"] == 2 else _kind_of_34(doc)


def related2(f, I, version):
    """Ⅰ 関連情報."""
    f.section("I", "関連情報")
    f.item(1, "特定個人情報ファイルを取り扱う事務")
    f.text("①事務の名称", I["jimu"])
    f.text("②事務の概要", I["gaiyou"])
    f.text("③システムの名称", I["system"])
    f.item_value(2, "特定個人情報ファイル名", I["file"])
    f.item(3, "個人番号の利用")
    f.text("法令上の根拠", I["riyou_konkyo"])
    f.item(4, "情報提供ネットワークシステムによる情報連携")
    f.choice("①実施の有無", "OPT-JISSHI", I["renkei"])
    f.text("②法令上の根拠", I["renkei_konkyo"])
    f.item(5, "評価実施機関における担当部署")
    f.text("①部署", I["busho"])
    f.text("②所属長" if version == "H26" else "②所属長の役職名", I["shozokuchou"], key_label="所属長")
    f.item_value(6, "他の評価実施機関", I["other"])
    f.item(7, "特定個人情報の開示・訂正・利用停止請求")
    f.text("請求先", I["seikyuu"])
    f.item(8, "特定個人情報ファイルの取扱いに関する問合せ")
    f.text("連絡先", I["renraku"])


def threshold2(f, T):
    """Ⅱ しきい値判断項目 and Ⅲ しきい値判断結果 (Ⅲ prints no numbered item: keyed as item 1)."""
    f.section("II", "しきい値判断項目")
    f.item(1, "対象人数")
    f.choice("評価対象の事務の対象人数は何人か", "OPT-TAISHO2", T["taisho"])
    f.text("いつ時点の計数か", T["taisho_jiten"])
    f.item(2, "取扱者数")
    f.choice("特定個人情報ファイル取扱者数は500人以上か", "OPT-TORIATSUKAI", T["toriatsukai"])
    f.text("いつ時点の計数か", T["toriatsukai_jiten"])
    f.item(3, "重大事故")
    f.choice("過去1年以内に、評価実施機関において特定個人情報に関する重大事故が発生したか", "OPT-JIKO", T["jiko"],
             key_label="重大事故が発生したか")
    f.section("III", "しきい値判断結果")
    f.item_no = "1"
    f.choice("しきい値判断結果", "OPT-SHIKII-2", T["kekka"])


def risks2(f, R):
    """Ⅳ リスク対策 (H29.5 on): the kind submitted, one 十分か per process, 監査, 教育・啓発."""
    f.section("IV", "リスク対策")
    f.item(1, "提出する特定個人情報保護評価書の種類")
    f.choice("提出する特定個人情報保護評価書の種類", "OPT-SHURUI", R["shurui"])
    juubun = "リスクへの対策は十分か"
    f.item(2, III_ITEMS[2])
    f.choice("目的外の入手が行われる" + juubun, "OPT-JUUBUN", R["2"])
    f.item(3, III_ITEMS[3])
    f.choice("目的を超えた紐付け、事務に必要のない情報との紐付けが行われる" + juubun, "OPT-JUUBUN", R["3.1"])
    f.choice("権限のない者（元職員、アクセス権限のない職員等）によって不正に使用される" + juubun, "OPT-JUUBUN", R["3.2"])
    for n, risks in ((4, [("委託先における不正な使用等の", "4")]),
                     (5, [("不正な提供・移転が行われる", "5")]),
                     (6, [("目的外の入手が行われる", "6.1"), ("不正な提供が行われる", "6.2")])):
        label, boxes = III_SWITCHES[n]
        f.item(n, III_ITEMS[n], switch=[(box, R[key]) for box, key in boxes], switch_label=label)
        for text, key in risks:
            if R.get(key):
                f.choice(text + juubun, "OPT-JUUBUN", R[key])
    f.item(7, III_ITEMS[7])
    f.choice("特定個人情報の漏えい・滅失・毀損" + juubun, "OPT-JUUBUN", R["7"])
    f.item(8, "監査")
    f.checks("実施の有無", R["kansa"], "row3")
    f.item(9, "従業者に対する教育・啓発")
    f.choice("従業者に対する教育・啓発", "OPT-OKONAU3", R["kyouiku"])


def build2(doc):
    f = Form(doc)
    f.sheet("表紙")
    f.add(k="cover", doc=doc)
    related2(f, doc["I"], doc["version"])
    threshold2(f, doc["T"])
    if doc.get("IV"):
        risks2(f, doc["IV"])
    return f.rows


_build34 = build


def build(doc):  # noqa: F811
    return build2(doc) if doc["form"] == 2 else _build34(doc)
