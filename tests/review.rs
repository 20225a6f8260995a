//! `pia-extract review`: the site's files, one box per located field on a PDF page and on a
//! dump page, and the record embedded for the page's script. (The browser tests in
//! tests/browser/ load the pages in Chromium.)

use pia_extract::record::{BoxOption, OptionOut, Record};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The checkbox options of a record that say where they were read: (field id, index, option).
fn located_options(rec: &Record) -> Vec<(String, usize, &BoxOption)> {
    let mut v = Vec::new();
    for f in &rec.fields {
        for (k, o) in f.options.iter().enumerate() {
            if let OptionOut::Box(b) = o
                && b.at.is_some()
            {
                v.push((f.id.clone(), k, b));
            }
        }
    }
    v
}

/// The number after `name="` in an SVG element's attributes.
fn attr(el: &str, name: &str) -> f64 {
    let at = el.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
    el[at..at + el[at..].find('"').unwrap()].parse().unwrap()
}

fn embedded(html: &str) -> Record {
    let start = html.find("id=\"record\">").unwrap() + "id=\"record\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end].replace("<\\/", "</")).unwrap()
}

#[test]
fn site_of_a_pdf_and_a_dump() {
    let dir = std::env::temp_dir().join(format!("pia-review-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pdf = format!("{ROOT}/fixtures/pdf/gen_a_zenkoumoku_r6.cairo.pdf");
    let dump = format!("{ROOT}/fixtures/seeds/002_35672c1dd1828296.txt");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pia-extract")).args(["review", &pdf, &dump, "-o"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in ["index.html", "index.js", "review.js", "review.css", "docs/000000.html", "docs/000001.html"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(index.contains("docs/000000.html") && index.contains("docs/000001.html"));
    assert!(!index.contains("http://") && !index.contains("https://"), "no network in the index");

    let page = std::fs::read_to_string(dir.join("docs/000000.html")).unwrap();
    let rec = embedded(&page);
    assert_eq!(
        rec,
        serde_json::from_slice::<Record>(
            &std::process::Command::new(env!("CARGO_BIN_EXE_pia-extract")).arg(&pdf).arg("-q").output().unwrap().stdout
        )
        .unwrap()
    );
    let with_bbox = rec.fields.iter().filter(|f| f.at.bbox.is_some()).count();
    assert!(with_bbox > 0);
    let options = located_options(&rec);
    let opts_with_bbox = options.iter().filter(|o| o.2.at.as_ref().unwrap().bbox.is_some()).count();
    assert!(opts_with_bbox > 0, "the PDF's checkbox options are located");
    assert_eq!(page.matches("<rect class=\"box ").count(), with_bbox + opts_with_bbox);
    assert_eq!(page.matches("<rect class=\"box opt ").count(), opts_with_bbox);
    // each option's box at its bbox (page top and left from the SVG), coloured by certainty
    for (id, k, b) in &options {
        let at = b.at.as_ref().unwrap();
        let [bx0, by0, bx1, by1] = at.bbox.unwrap();
        let start = page.find(&format!("data-field=\"{id}\" data-option=\"{k}\"")).unwrap_or_else(|| panic!("{id} #{k}"));
        let el = &page[page[..start].rfind("<rect").unwrap()..start + page[start..].find('>').unwrap()];
        let svg = &page[page[..start].rfind("<svg").unwrap()..];
        let svg = &svg[..svg.find('>').unwrap()];
        assert_eq!(attr(svg, "data-page"), f64::from(at.page.unwrap()), "{id} #{k}");
        let (x0, top) = (attr(svg, "data-x0"), attr(svg, "data-top"));
        let (x, y, w, h) = (attr(el, "x"), attr(el, "y"), attr(el, "width"), attr(el, "height"));
        let got = [x + x0, top - y - h, x + x0 + w, top - y];
        assert!(got.iter().zip([bx0, by0, bx1, by1]).all(|(g, want)| (g - want).abs() < 0.02), "{id} #{k}: {got:?} vs {:?}", at.bbox);
        let want_cls = match (b.certainty.as_str(), b.checked) {
            ("exact", Some(_)) => "c-exact",
            ("inferred", Some(_)) => "c-inferred",
            _ => "c-null",
        };
        assert!(el.starts_with(&format!("<rect class=\"box opt {want_cls}\"")), "{el}");
        let mark = match b.checked {
            Some(true) => "✓",
            Some(false) => "✗",
            None => "?",
        };
        let text = &page[start..];
        let text = &text[text.find("<text").unwrap()..];
        assert!(text[text.find('>').unwrap() + 1..].starts_with(mark), "{id} #{k}: the mark beside the box");
    }
    assert_eq!(page.matches("<svg ").count(), rec.source.pages.unwrap() as usize);
    assert!(page.matches("<text x=").count() > 100, "glyph runs drawn");

    let page = std::fs::read_to_string(dir.join("docs/000001.html")).unwrap();
    let rec = embedded(&page);
    let with_line = rec.fields.iter().filter(|f| f.at.line.is_some()).count();
    assert!(with_line > 0);
    let options = located_options(&rec);
    assert!(!options.is_empty(), "the dump's checkbox options are located");
    assert_eq!(page.matches("<span class=\"box ").count(), with_line + options.len());
    // each option's mark on its own source line, highlighted
    for (id, k, b) in &options {
        let at = page.find(&format!("id=\"L{}\"", b.at.as_ref().unwrap().line.unwrap())).unwrap();
        let line = &page[page[..at].rfind("<div").unwrap()..at + page[at..].find("</div>").unwrap()];
        assert!(line.starts_with("<div class=\"ln hl\""), "{id} #{k}");
        assert!(line.contains(&format!("data-field=\"{id}\" data-option=\"{k}\"")), "{id} #{k}");
    }
    let lines = std::fs::read_to_string(&dump).unwrap().split('\n').count();
    assert_eq!(page.matches("<div class=\"ln").count(), lines);
    // each field's box sits on its own source line
    for f in rec.fields.iter().take(50) {
        let at = page.find(&format!("id=\"L{}\"", f.at.line.unwrap())).unwrap();
        let next = at + page[at..].find("</div>").unwrap();
        assert!(page[at..next].contains(&format!("data-field=\"{}\"", f.id)), "{}", f.id);
    }
    // a second, smaller site into the same folder leaves no page of the first behind
    std::fs::write(dir.join("docs/keep.txt"), "mine").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pia-extract")).args(["review", &dump, "-o"]).arg(&dir).output().unwrap();
    assert!(out.status.success());
    assert!(dir.join("docs/000000.html").is_file() && !dir.join("docs/000001.html").exists());
    assert!(dir.join("docs/keep.txt").is_file(), "other files stay");
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--against`: a page shows the changes from the earlier version of the same document.
#[test]
fn changes_against_an_earlier_version() {
    let dir = std::env::temp_dir().join(format!("pia-review-against-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(format!("{ROOT}/fixtures/seeds/001_4659e5c1cf513e63.txt")).unwrap();
    std::fs::write(dir.join("v1.txt"), &text).unwrap();
    std::fs::write(dir.join("v2.txt"), text.replacen(" ①部署 財政局税務部課税管理課", " ①部署 財政局税務部市民税課", 1)).unwrap();
    let bin = env!("CARGO_BIN_EXE_pia-extract");
    let st = std::process::Command::new(bin).arg(dir.join("v1.txt")).arg("-q").arg("-o").arg(dir.join("old.jsonl")).status().unwrap();
    assert!(st.success());
    let out = std::process::Command::new(bin)
        .arg("review")
        .arg(dir.join("v2.txt"))
        .arg("--against")
        .arg(dir.join("old.jsonl"))
        .arg("-o")
        .arg(dir.join("site"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = std::fs::read_to_string(dir.join("site/docs/000000.html")).unwrap();
    let start = page.find("id=\"diff\">").expect("the page embeds the diff") + "id=\"diff\">".len();
    let end = start + page[start..].find("</script>").unwrap();
    let d: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let ids: Vec<&str> = d["fields"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["I/7/1"]);
    assert_eq!(d["fields"][0]["before"], "財政局税務部課税管理課");
    let index = std::fs::read_to_string(dir.join("site/index.html")).unwrap();
    assert!(index.contains("\"changes\":1"), "the index counts the changes");
    let _ = std::fs::remove_dir_all(&dir);
}
