//! Every text parser of the domain, on arbitrary text: none may panic.
#![no_main]
use honbu_domain::error::text;
use honbu_domain::geo::{parse_country, Point};
use honbu_domain::time::{parse_time, Zone};
use honbu_domain::vocab::*;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = parse_time("t", s);
    if let Ok(z) = Zone::parse("z", s) {
        let _ = z.parse_local("t", "1996-12-18T09:40");
    }
    let _ = Zone::parse("z", "Asia/Tokyo").map(|z| z.parse_local("t", s));
    let _ = RoleName::parse("r", s);
    let _ = parse_country("c", s);
    let _ = text("x", s, 1, 200);
    let _ = (IncidentKind::parse("", s), Severity::parse("", s), IncidentStatus::parse("", s), HqKind::parse("", s));
    let _ = (SourceKind::parse("", s), Reliability::parse("", s), Credibility::parse("", s), Category::parse("", s));
    let _ = (Release::parse("", s), TaskStatus::parse("", s), GlobalRole::parse("", s), Capability::parse("", s));
    let _ = (Urgency::parse("", s), Confidence::parse("", s));
    if data.len() >= 16 {
        let lat = f64::from_le_bytes(data[0..8].try_into().unwrap_or_default());
        let lon = f64::from_le_bytes(data[8..16].try_into().unwrap_or_default());
        let _ = Point::parse(lat, lon);
    }
});
