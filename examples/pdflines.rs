//! Print the "pages of lines" the PDF layer makes of a PDF (a debugging aid).
fn main() {
    let path = std::env::args().nth(1).expect("usage: pdflines FILE.pdf");
    let bytes = std::fs::read(&path).expect("readable file");
    match pia_extract::pdf::read(&bytes) {
        Ok(w) => {
            let pages = w.value;
            for d in w.diags {
                eprintln!("{}: {}", d.code, d.message);
            }
            for l in pia_extract::pdf::pages_to_lines(&pages) {
                println!(
                    "p{} {:>4} {:?} | {}",
                    l.page.unwrap_or(0),
                    l.no,
                    l.bbox.map(|b| [b[0] as i32, b[1] as i32]),
                    l.raw.replace('\n', "⏎")
                );
            }
        }
        Err(e) => eprintln!("error: {e:?}"),
    }
}
