//! `pia-extract review`: the site's files, one box per located field on a PDF page and on a
//! dump page, and the record embedded for the page's script. (The browser tests in
//! tests/browser/ load the pages in Chromium.)

use pia_extract::record::Record;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn embedded(html: &str) -> Record {
    let start = html.find("id=\"record\">").unwrap() + "id=\"record\">".len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end].replace("<\\/", "</")).unwrap()
}

#[test]
fn site_of_a_pdf_and_a_dump() {
    let dir = std::env::temp_dir().join(format!("pia-review-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let pdf = format!("{ROOT}/fixtures/pdf/gen_e_kiso_h26.cairo.pdf");
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
    assert_eq!(page.matches("<rect class=\"box ").count(), with_bbox);
    assert_eq!(page.matches("<svg ").count(), rec.source.pages.unwrap() as usize);
    assert!(page.matches("<text x=").count() > 100, "glyph runs drawn");

    let page = std::fs::read_to_string(dir.join("docs/000001.html")).unwrap();
    let rec = embedded(&page);
    let with_line = rec.fields.iter().filter(|f| f.at.line.is_some()).count();
    assert!(with_line > 0);
    assert_eq!(page.matches("<span class=\"box ").count(), with_line);
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
