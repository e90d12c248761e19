//! A corrected entry is never shown as current: wherever it appears it is
//! struck through with "corrected by #n" beside it, and its JSON names the
//! correction.

use super::common::*;
use serde_json::{json, Value};
use std::time::Duration;

/// The id of what a POST created.
async fn created(app: &App, token: &str, path: String, body: Value) -> String {
    let r = app.post_json(&path, token, body).await;
    r["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string()
}

async fn log(app: &App, token: &str, incident: &str, body: Value) -> (String, i64) {
    let id = created(
        app,
        token,
        format!("/api/v1/incidents/{incident}/log"),
        body,
    )
    .await;
    let e = app.get_json(&format!("/api/v1/entries/{id}"), token).await;
    (id, e["number"].as_i64().unwrap_or_else(|| panic!("{e}")))
}

/// The `<li>`/`<tr>` that shows entry `#n` in a page.
fn shown(html: &str, n: i64) -> String {
    let at = [format!("#{n}<"), format!("#{n} "), format!(">{n}</a>")]
        .iter()
        .find_map(|m| html.find(m.as_str()))
        .unwrap_or_else(|| panic!("#{n} not shown in {html}"));
    let start = html[..at]
        .rfind("<li")
        .max(html[..at].rfind("<tr"))
        .unwrap();
    let end = html[at..]
        .find("</li>")
        .or_else(|| html[at..].find("</tr>"))
        .unwrap();
    html[start..at + end].to_string()
}

fn struck(block: &str, by: i64) {
    assert!(block.contains("superseded"), "struck through: {block}");
    assert!(
        block.contains(&format!("Corrected by #{by}")),
        "names its correction: {block}"
    );
}

#[tokio::test]
async fn a_corrected_entry_is_marked_wherever_it_appears() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let mofa = &w.mofa_token;
    let from = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let (wire, n_wire) = log(
        &app,
        mofa,
        inc,
        json!({"text": "Wire services report that all hostages have been freed", "significant": true}),
    )
    .await;
    // A SITREP and a brief issued before the correction: shown since as corrected.
    let early = created(
        &app,
        mofa,
        format!("/api/v1/incidents/{inc}/sitreps"),
        json!({"from": from}),
    )
    .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let before_correction = chrono::Utc::now();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (fix, n_fix) = log(
        &app,
        mofa,
        inc,
        json!({"text": "71 of the 72 hostages freed; one died", "supersedes": wire}),
    )
    .await;
    let sitrep = created(
        &app,
        mofa,
        format!("/api/v1/incidents/{inc}/sitreps"),
        json!({"from": from}),
    )
    .await;
    let brief = created(
        &app,
        mofa,
        format!("/api/v1/incidents/{inc}/handovers"),
        json!({"hq": w.mofa_hq}),
    )
    .await;

    // The JSON API: the entry, the log, the board, the documents.
    let one = app.get_json(&format!("/api/v1/entries/{wire}"), mofa).await;
    assert_eq!(one["superseded_by"], json!(fix));
    assert_eq!(one["superseded_by_number"], json!(n_fix));
    let list = app
        .get_json(&format!("/api/v1/incidents/{inc}/log"), &w.reader_token)
        .await;
    let in_list = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(wire))
        .unwrap();
    assert_eq!(in_list["superseded_by"], json!(fix), "for every reader");
    let board = app
        .get_json(&format!("/api/v1/incidents/{inc}/board"), mofa)
        .await;
    for part in ["significant", "recent"] {
        let e = board[part]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"] == json!(wire))
            .unwrap();
        assert_eq!(e["superseded_by_number"], json!(n_fix), "board {part}");
    }
    let fix_on_board = board["significant"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(fix));
    assert!(
        fix_on_board.is_some(),
        "the correction of a significant entry is significant"
    );
    let doc = app
        .get_json(&format!("/api/v1/sitreps/{sitrep}"), mofa)
        .await;
    let in_doc = doc["document"]["significant"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(wire))
        .unwrap();
    assert_eq!(in_doc["superseded_by"], json!(fix), "{doc}");
    let b = app
        .get_json(&format!("/api/v1/handovers/{brief}"), mofa)
        .await;
    let in_brief = b["brief"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(wire))
        .unwrap();
    assert_eq!(in_brief["superseded_by"], json!(fix), "{b}");

    // The pages.
    let page = app.login("mofa.head").await;
    let get = |path: String| {
        let page = page.clone();
        let url = app.url(&path);
        async move {
            let r = page.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200, "{path}");
            r.text().await.unwrap()
        }
    };
    let board_html = get(format!("/incidents/{inc}/board")).await;
    let sig = between(
        &board_html,
        "id=\"h-sig\"",
        "<ol class=\"entries compact\">",
    );
    struck(&shown(&sig, n_wire), n_fix);
    let recent = board_html
        .split("<ol class=\"entries compact\">")
        .nth(1)
        .unwrap();
    struck(&shown(recent, n_wire), n_fix);
    struck(
        &shown(&get(format!("/incidents/{inc}/log")).await, n_wire),
        n_fix,
    );
    struck(
        &shown(&get(format!("/sitreps/{sitrep}")).await, n_wire),
        n_fix,
    );
    struck(
        &shown(&get(format!("/sitreps/{early}")).await, n_wire),
        n_fix,
    );
    struck(
        &shown(&get(format!("/handovers/{brief}")).await, n_wire),
        n_fix,
    );
    // Documents in the reader's words, with their release marking (seen:
    // `reportNumber`, `forTimePeriod` as labels; no marking shown).
    let doc = get(format!("/sitreps/{sitrep}")).await;
    for edxl in ["reportNumber", "forTimePeriod", "actionPlan"] {
        assert!(!doc.contains(&format!(">{edxl}<")), "{edxl} as a label");
    }
    assert!(doc.contains("Report number") && doc.contains("Period covered"));
    assert!(doc.contains("Release: All HQs of the incident"));
    assert!(get(format!("/handovers/{brief}"))
        .await
        .contains("Release: This HQ only"));
    let entry = get(format!("/incidents/{inc}/log/{wire}")).await;
    assert!(
        entry.contains(&format!("#{n_fix}</a>")),
        "the entry page links its correction"
    );
    // As of a moment before the correction, it was current then.
    let at = before_correction.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let then = get(format!("/incidents/{inc}?at={}", urlencode(&at))).await;
    let then_sig = between(&then, "id=\"h-sig\"", "<ol class=\"entries compact\">");
    let block = shown(&then_sig, n_wire);
    assert!(
        !block.contains("Corrected by"),
        "not yet corrected then: {block}"
    );
    let then_json = app
        .get_json(
            &format!("/api/v1/incidents/{inc}/board?at={}", urlencode(&at)),
            mofa,
        )
        .await;
    let e = then_json["significant"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(wire))
        .unwrap();
    assert_eq!(e["superseded_by"], Value::Null);
    // As of a moment after it, corrected: the past views mark it too.
    let at = (chrono::Utc::now() + chrono::Duration::seconds(1))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let later = get(format!("/incidents/{inc}?at={}", urlencode(&at))).await;
    let later_sig = between(&later, "id=\"h-sig\"", "<ol class=\"entries compact\">");
    assert!(
        shown(&later_sig, n_wire).contains("Corrected by"),
        "corrected as of after the correction: {later_sig}"
    );
    let log_then = get(format!("/incidents/{inc}/log?at={}", urlencode(&at))).await;
    assert!(
        shown(&log_then, n_wire).contains("Corrected by"),
        "the log page as of then"
    );
    // The exports say it in their own columns.
    let csv = app
        .client
        .get(app.url(&format!("/api/v1/incidents/{inc}/log.csv")))
        .bearer_auth(mofa)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let row: Vec<&str> = csv
        .lines()
        .find(|l| l.contains("Wire services report"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(row[col("superseded_by")], n_fix.to_string(), "{csv}");
    assert_eq!(row[col("status")], "corrected", "{csv}");
    let json_export = app
        .get_json(&format!("/api/v1/incidents/{inc}/log.json"), mofa)
        .await;
    let exported = json_export["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == json!(wire))
        .cloned()
        .unwrap();
    assert_eq!(exported["superseded_by"], json!(n_fix), "{exported}");
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// A new entry on a live stream names only the entries its subscriber may
/// read: a link to another HQ's HQ-only entry is left out for them.
#[tokio::test]
async fn a_streamed_entry_names_only_what_its_subscriber_may_read() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let (hidden, _) = log(
        &app,
        &w.lima_token,
        inc,
        json!({"text": "Lima only: a source", "release": "hq", "hq": w.lima_hq}),
    )
    .await;
    let (open, _) = log(
        &app,
        &w.lima_token,
        inc,
        json!({"text": "Open", "hq": w.lima_hq}),
    )
    .await;
    let path = format!("/api/v1/incidents/{inc}/stream");
    let mut mofa = app.sse(&path, &w.mofa_token).await;
    let mut lima = app.sse(&path, &w.lima_token).await;
    log(
        &app,
        &w.lima_token,
        inc,
        json!({"text": "Guards rotate at dawn", "hq": w.lima_hq, "links": [hidden, open]}),
    )
    .await;
    let links = |d: &str| -> Value {
        let v: Value = serde_json::from_str(d).unwrap();
        v["entry"]["links"].clone()
    };
    let (_, m) = mofa
        .next_event(Duration::from_secs(5))
        .await
        .expect("mofa hears it");
    let (_, l) = lima
        .next_event(Duration::from_secs(5))
        .await
        .expect("lima hears it");
    assert_eq!(links(&m), json!([open]), "MOFA is not told of Lima's entry");
    assert_eq!(links(&l), json!([hidden, open]));
}
