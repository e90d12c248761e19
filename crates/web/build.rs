//! Embeds every message catalogue in `i18n/`, and the country names in
//! `i18n/countries/`: adding a language is adding a file (or two).

use std::io::Write;

fn main() {
    println!("cargo:rerun-if-changed=i18n");
    let dir = std::path::Path::new("i18n");
    let mut langs: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| {
                    e.file_name()
                        .to_str()
                        .and_then(|n| n.strip_suffix(".txt"))
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    langs.sort();
    let out = std::path::Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("catalogues.rs");
    let mut f = match std::fs::File::create(&out) {
        Ok(f) => f,
        Err(e) => {
            println!("cargo:warning=cannot write {}: {e}", out.display());
            return;
        }
    };
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let _ = writeln!(f, "pub const CATALOGUES: &[(&str, &str)] = &[");
    for l in &langs {
        let _ = writeln!(
            f,
            "    ({l:?}, include_str!(concat!({manifest:?}, \"/i18n/{l}.txt\"))),"
        );
    }
    let _ = writeln!(f, "];");
    // Country names by language: i18n/countries/<lang>.txt (`PE = ペルー`);
    // English comes from the ISO table itself.
    let _ = writeln!(f, "pub const COUNTRY_NAMES: &[(&str, &str)] = &[");
    for l in &langs {
        if dir.join("countries").join(format!("{l}.txt")).exists() {
            let _ = writeln!(
                f,
                "    ({l:?}, include_str!(concat!({manifest:?}, \"/i18n/countries/{l}.txt\"))),"
            );
        }
    }
    let _ = writeln!(f, "];");
}
