//! The HTML report: a structural check that always runs (well-formed, one
//! chart per dimension, nothing external, no script) and a render in
//! headless Chromium: skipped (with the reason) where Chromium is missing
//! locally, a failure in CI (`CI=true`, see `tests/external_tool`).
mod common;
mod external_tool;

use std::path::Path;
use std::process::Command;

use common::{RepoBuilder, aeef, stdout};

const DIMENSIONS: [&str; 8] = [
    "by_severity",
    "by_origin",
    "by_failure_mode",
    "by_ai_tool",
    "by_model_version",
    "by_validation_gap",
    "by_team",
    "by_prompt_template",
];

fn repo() -> RepoBuilder {
    let mut r = RepoBuilder::new();
    let teams = ["payments", "search <core> & \"ops\"", "platform"];
    for n in 0..9 {
        r.write(
            &format!("incidents/INC-2026-{:03}.yaml", n + 1),
            &format!(
                "id: INC-2026-{:03}\ntitle: t{n}\nseverity: SEV-{}\nstatus: resolved\nteam: '{}'\n\
                 detected_at: 2026-03-{:02}T09:00:00Z\nacknowledged_at: 2026-03-{:02}T09:10:00Z\n\
                 resolved_at: 2026-03-{:02}T20:00:00Z\n\
                 classification: {{origin: ai-generated, failure_mode: {}, validation_gap: test-gap, ai_tool: {{name: claude-code, model_version: claude-opus-4}}}}\n\
                 generation_context: {{prompt_template: prompts/x.v{n}}}\n",
                n + 1,
                n % 4 + 1,
                teams[n % 3],
                n + 1,
                n + 1,
                n + 2,
                ["logic-error", "hallucination", "performance"][n % 3]
            ),
        );
    }
    r.at("2026-03-05T10:00:00Z")
        .trailer("AI-Tool", "claude-code");
    r.commit("feat: records and code");
    r
}

fn render(r: &RepoBuilder) -> String {
    let o = aeef(
        r.path(),
        &[
            "report",
            "--month",
            "2026-03",
            "--format",
            "html",
            "--now",
            "2026-04-01T00:00:00Z",
        ],
    );
    assert!(o.status.success(), "{}", common::stderr(&o));
    stdout(&o)
}

/// Checks that every element is closed in order (void elements written
/// self-closing), comments and the doctype aside, and that `&` starts an
/// entity: enough to call the page well-formed XHTML-style markup.
fn check_well_formed(html: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        let (c, after) = (rest.as_bytes()[i], &rest[i..]);
        if c == b'&' {
            let end = after.find(';').ok_or("unterminated entity")?;
            let name = &after[1..end];
            let ok = ["amp", "lt", "gt", "quot", "#39"].contains(&name);
            if !ok {
                return Err(format!("bad entity &{name};"));
            }
            rest = &after[end + 1..];
            continue;
        }
        if let Some(c) = after.strip_prefix("<!--") {
            rest = &c[c.find("-->").ok_or("unterminated comment")? + 3..];
            continue;
        }
        let end = after.find('>').ok_or("unterminated tag")?;
        let tag = &after[1..end];
        rest = &after[end + 1..];
        if tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().unwrap_or("").to_string();
            if name.is_empty() {
                return Err("empty tag".into());
            }
            stack.push(name);
        }
    }
    if stack.is_empty() {
        Ok(())
    } else {
        Err(format!("unclosed: {stack:?}"))
    }
}

#[test]
fn html_report_is_self_contained_well_formed_with_one_chart_per_dimension() {
    let html = render(&repo());
    check_well_formed(&html).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for d in DIMENSIONS {
        let n = html
            .matches(&format!("<svg class=\"chart\" data-dimension=\"{d}\""))
            .count();
        assert_eq!(n, 1, "{d}: {n} charts");
    }
    // The eight dimensions, the AI-commit rate chart and the trend's line chart.
    assert_eq!(html.matches("<svg").count(), DIMENSIONS.len() + 2);
    assert_eq!(html.matches("<svg class=\"trend\"").count(), 1);
    for bad in [
        "http://", "https://", "=\"//", "url(", "@import", "<script", "<link", "<iframe", "<img",
    ] {
        assert!(!html.to_ascii_lowercase().contains(bad), "found {bad}");
    }
    // Record text is escaped, not interpreted.
    assert!(html.contains("search &lt;core&gt; &amp; &quot;ops&quot;"));
    // The bars say what they count: team `payments` has 3 incidents.
    assert!(html.contains("<title>payments: 3</title>"), "bar titles");
}

#[test]
fn tag_balance_check_rejects_broken_markup() {
    // Guards the structural check itself: it must fail on the errors it exists to catch.
    assert!(check_well_formed("<div><span></div></span>").is_err());
    assert!(check_well_formed("<p>a & b</p>").is_err());
    assert!(check_well_formed("<section>").is_err());
    assert!(check_well_formed("<p><br /></p>").is_ok());
}

#[test]
fn html_report_renders_in_headless_chromium() {
    let chrome = match external_tool::chromium() {
        Ok(c) => c,
        Err(why) => return external_tool::missing("Chromium", &why),
    };
    let html = render(&repo());
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let png = dir.path().join("shot.png");
    let profile = dir.path().join("profile");
    let o = Command::new(&chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1200,1600")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        png_ok(&png),
        "no screenshot; chromium said: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    if let Ok(keep) = std::env::var("AEEF_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

/// A PNG of the requested size whose pixels are not all one colour (a
/// blank page compresses to almost nothing).
fn png_ok(p: &Path) -> bool {
    let Ok(b) = std::fs::read(p) else {
        return false;
    };
    let sig = b.starts_with(b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes([b[16], b[17], b[18], b[19]]);
    let h = u32::from_be_bytes([b[20], b[21], b[22], b[23]]);
    sig && w == 1200 && h == 1600 && b.len() > 20_000
}
