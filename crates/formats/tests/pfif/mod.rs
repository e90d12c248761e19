mod refusals;
mod samples;
mod writer;

use honbu_formats::pfif::{read_pfif, Document, Limits, PfifError};

pub fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/testdata/pfif/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn read(bytes: &[u8]) -> Document {
    read_pfif(bytes, &Limits::default()).unwrap_or_else(|e| panic!("refused: {e}"))
}

pub fn refuse(bytes: &[u8]) -> PfifError {
    match read_pfif(bytes, &Limits::default()) {
        Ok(doc) => panic!("read, not refused: {doc:?}"),
        Err(e) => e,
    }
}

/// A PFIF 1.4 document around `body`.
pub fn doc14(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pfif:pfif xmlns:pfif=\"http://zesty.ca/pfif/1.4\">\n{body}</pfif:pfif>\n"
    )
}
