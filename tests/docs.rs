//! The documentation lists exactly the diagnostic codes the program has: the README's table
//! and `--help`, both against `diag::Code::ALL`.

use pia_extract::diag::Code;
use std::collections::BTreeSet;

fn all_codes() -> BTreeSet<(String, String)> {
    Code::ALL.iter().map(|c| (c.as_str().to_string(), c.level().as_str().to_string())).collect()
}

/// Rows `| `code` | level | meaning |` of the README's "Diagnostic codes" table.
fn readme_codes() -> BTreeSet<(String, String)> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme.split("## Diagnostic codes").nth(1).expect("README has a Diagnostic codes section");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((code.to_string(), (*cells.get(2)?).to_string()))
        })
        .collect()
}

#[test]
fn readme_lists_exactly_the_codes() {
    let (have, doc) = (all_codes(), readme_codes());
    assert_eq!(doc.difference(&have).collect::<Vec<_>>(), Vec::<&(String, String)>::new(), "in the README but not in diag::Code");
    assert_eq!(have.difference(&doc).collect::<Vec<_>>(), Vec::<&(String, String)>::new(), "in diag::Code but not in the README");
}

#[test]
fn help_lists_exactly_the_codes() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pia-extract")).arg("--help").output().unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    let section = help.split("Diagnostic codes").nth(1).expect("--help lists the diagnostic codes");
    let listed: BTreeSet<(String, String)> = section
        .lines()
        .skip(1)
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let level = w.next()?;
            let code = w.next()?;
            Some((code.to_string(), level.to_string()))
        })
        .collect();
    assert_eq!(listed, all_codes());
}
