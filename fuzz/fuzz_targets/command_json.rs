//! Every request body the API accepts, decoded from arbitrary bytes, and the
//! affected area validated: a bad body is an error, never a panic.
#![no_main]
use honbu_domain::commands::*;
use honbu_domain::geo::{Area, AreaInput};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = serde_json::from_slice::<AreaInput>(data) {
        let _ = Area::parse(&a).map(|a| honbu_web::board::views::map_area(&a));
    }
    if let Ok(o) = serde_json::from_slice::<OpenIncident>(data) {
        if let Some(a) = &o.area {
            let _ = Area::parse(a);
        }
    }
    let _ = serde_json::from_slice::<NewEntry>(data);
    let _ = serde_json::from_slice::<AmendIncident>(data);
    let _ = serde_json::from_slice::<RecordDecision>(data);
    let _ = serde_json::from_slice::<AssignTask>(data);
    let _ = serde_json::from_slice::<IssueSitrep>(data);
    let _ = serde_json::from_slice::<CreateUser>(data);
    let _ = serde_json::from_slice::<DefineRole>(data);
    let _ = serde_json::from_slice::<honbu_domain::events::Body>(data);
    // People: the body parsed, then each field checked as the store does.
    if let Ok(p) = serde_json::from_slice::<NewPerson>(data) {
        if let Ok(parts) = honbu_domain::people::PersonParts::parse(&p, 2026) {
            if let Ok(a) = serde_json::from_slice::<AmendPerson>(data) {
                let _ = parts.amend(&a, 2026);
            }
            let _ = parts.details.display_name();
            let _ = honbu_domain::people::mask_passport(&parts.details.passport_number);
        }
    }
    if let Ok(r) = serde_json::from_slice::<ReportStatus>(data) {
        let _ = honbu_domain::vocab::Credibility::from_json("credibility", &r.credibility);
    }
    if let Ok(s) = std::str::from_utf8(data) {
        let _ = honbu_domain::people::PartialDate::parse("date_of_birth", s, 2026);
    }
});
