//! Text renderers of a [`Stats`]: human, Markdown, JSON and CSV.
use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{DIMENSIONS, Stats, TrendPoint, severity_rows};

/// Rows of a dimension, largest count first, then by name.
pub fn sorted(map: &BTreeMap<String, u32>) -> Vec<(&str, u32)> {
    let mut v: Vec<(&str, u32)> = map.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

/// Rows of one dimension as every format prints them: severity in its own
/// order (`SEV-1` first), the others largest count first.
pub fn dimension_rows<'a>(key: &str, map: &'a BTreeMap<String, u32>) -> Vec<(&'a str, u32)> {
    if key == "by_severity" {
        severity_rows(map)
    } else {
        sorted(map)
    }
}

/// `effective 1, partially-effective 0, …` for one mark.
fn mark_line(m: &super::MarkResults) -> String {
    m.rows()
        .iter()
        .map(|(k, n)| format!("{n} {k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Column heads of the trend table after the period: counts, score, then
/// every severity.
fn trend_heads(t: &[TrendPoint]) -> Vec<String> {
    let mut v = vec!["incidents".to_string(), "weighted score".to_string()];
    if let Some(first) = t.first() {
        v.extend(
            severity_rows(&first.by_severity)
                .iter()
                .map(|(k, _)| k.to_string()),
        );
    }
    v
}

fn trend_cells(p: &TrendPoint) -> Vec<String> {
    let mut v = vec![p.incidents.to_string(), p.weighted_score.to_string()];
    v.extend(
        severity_rows(&p.by_severity)
            .iter()
            .map(|(_, n)| n.to_string()),
    );
    v
}

/// `12.5 h` or `—`.
pub fn opt_hours(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |h| format!("{h:.1} h"))
}

/// `87.5 %` or `—`.
pub fn opt_pct(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |f| format!("{:.1} %", f * 100.0))
}

/// `+3`, `−2`, `±0`.
pub fn delta(now: u32, before: u32) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("+{}", now - before),
        std::cmp::Ordering::Less => format!("−{}", before - now),
        std::cmp::Ordering::Equal => "±0".to_string(),
    }
}

/// The JSON document of DESIGN §6, pretty-printed.
pub fn json(w: &mut impl Write, s: &Stats) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, s)?;
    writeln!(w)
}

/// Plain text for a terminal.
pub fn human(w: &mut impl Write, s: &Stats, title: &str) -> io::Result<()> {
    writeln!(
        w,
        "AI incident report {title} ({} – {})",
        s.period.from, s.period.to
    )?;
    writeln!(
        w,
        "incidents {}   weighted score {} (previous {}, {})",
        s.incidents,
        s.weighted_score,
        s.previous_weighted_score,
        delta(s.weighted_score, s.previous_weighted_score)
    )?;
    for (key, name) in DIMENSIONS {
        let Some(map) = s.dimension(key) else {
            continue;
        };
        writeln!(w, "\n{name}")?;
        let total = map.values().sum::<u32>().max(1);
        let rows = dimension_rows(key, map);
        for (k, n) in rows {
            let bar = "█".repeat((n * 20).div_ceil(total) as usize * usize::from(n > 0));
            writeln!(w, "  {k:<36} {n:>4}  {bar}")?;
        }
    }
    writeln!(w, "\nMTTR (detected → resolved)")?;
    for (sev, h) in &s.mttr_hours {
        writeln!(w, "  {sev:<10} {}", opt_hours(*h))?;
    }
    writeln!(w, "\nSLA compliance")?;
    for (k, f) in &s.sla_compliance {
        let c = s.sla_counts.get(k).copied().unwrap_or_default();
        writeln!(
            w,
            "  {k:<12} {:>8}  ({} of {})",
            opt_pct(*f),
            c.met,
            c.applicable
        )?;
    }
    let ca = &s.corrective_actions;
    writeln!(
        w,
        "\nCorrective actions: {} opened, {} verified, {} overdue",
        ca.opened, ca.verified, ca.overdue
    )?;
    for (mark, m) in &ca.effectiveness {
        writeln!(w, "  {mark}: {}", mark_line(m))?;
    }
    if !s.trend.is_empty() {
        writeln!(w, "\nTrend (last {} periods)", s.trend.len())?;
        let heads = trend_heads(&s.trend);
        let first = s
            .trend
            .iter()
            .map(|p| p.period.len())
            .max()
            .unwrap_or(0)
            .max(6);
        let widths: Vec<usize> = heads.iter().map(|h| h.chars().count().max(5)).collect();
        let line = |first_cell: &str, cells: &[String]| -> String {
            let rest: String = cells
                .iter()
                .zip(&widths)
                .map(|(c, n)| format!("  {c:>n$}"))
                .collect();
            format!("  {first_cell:<first$}{rest}")
        };
        writeln!(w, "{}", line("period", &heads))?;
        for p in &s.trend {
            writeln!(w, "{}", line(&p.period, &trend_cells(p)))?;
        }
    }
    if let Some(p) = &s.provenance {
        writeln!(
            w,
            "\nCommits on {} in the period: {} ({} AI)",
            p.shown_on(),
            p.commits,
            p.ai_commits
        )?;
        writeln!(
            w,
            "  {:<20} {:>8} {:>10} {:>14}",
            "tool", "commits", "incidents", "per 1k commits"
        )?;
        for (tool, r) in &p.by_tool {
            let rate = r
                .incidents_per_1000_commits
                .map_or_else(|| "—".to_string(), |x| format!("{x:.2}"));
            writeln!(
                w,
                "  {tool:<20} {:>8} {:>10} {rate:>14}",
                r.commits, r.incidents
            )?;
        }
    }
    w.flush()
}

/// Escapes `|` and line breaks in a Markdown table cell.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// GitHub-flavoured Markdown.
pub fn markdown(w: &mut impl Write, s: &Stats, title: &str) -> io::Result<()> {
    writeln!(w, "# AI incident report {title}\n")?;
    writeln!(
        w,
        "Period {} – {} (UTC), generated {}.\n",
        s.period.from, s.period.to, s.generated_at
    )?;
    writeln!(
        w,
        "| incidents | weighted score | previous period | change |"
    )?;
    writeln!(w, "|---:|---:|---:|---:|")?;
    writeln!(
        w,
        "| {} | {} | {} | {} |\n",
        s.incidents,
        s.weighted_score,
        s.previous_weighted_score,
        delta(s.weighted_score, s.previous_weighted_score)
    )?;
    for (key, name) in DIMENSIONS {
        let Some(map) = s.dimension(key) else {
            continue;
        };
        writeln!(
            w,
            "## {name}\n\n| {} | incidents |\n|---|---:|",
            name.to_lowercase()
        )?;
        for (k, n) in dimension_rows(key, map) {
            writeln!(w, "| {} | {n} |", md_cell(k))?;
        }
        writeln!(w)?;
    }
    writeln!(w, "## MTTR and SLA compliance\n")?;
    writeln!(w, "| severity | MTTR |\n|---|---:|")?;
    for (sev, h) in &s.mttr_hours {
        writeln!(w, "| {sev} | {} |", opt_hours(*h))?;
    }
    writeln!(
        w,
        "\n| SLA | compliance | met / applicable |\n|---|---:|---:|"
    )?;
    for (k, f) in &s.sla_compliance {
        let c = s.sla_counts.get(k).copied().unwrap_or_default();
        writeln!(
            w,
            "| {k} | {} | {} / {} |",
            opt_pct(*f),
            c.met,
            c.applicable
        )?;
    }
    let ca = &s.corrective_actions;
    writeln!(w, "\n## Corrective actions\n")?;
    writeln!(w, "| opened | verified | overdue |\n|---:|---:|---:|")?;
    writeln!(w, "| {} | {} | {} |\n", ca.opened, ca.verified, ca.overdue)?;
    let heads: Vec<&str> = super::MarkResults::default()
        .rows()
        .iter()
        .map(|(k, _)| *k)
        .collect();
    writeln!(
        w,
        "| mark | {} |\n|---|{}",
        heads.join(" | "),
        "---:|".repeat(heads.len())
    )?;
    for (mark, m) in &ca.effectiveness {
        let cells: Vec<String> = m.rows().iter().map(|(_, n)| n.to_string()).collect();
        writeln!(w, "| {mark} | {} |", cells.join(" | "))?;
    }
    if !s.trend.is_empty() {
        writeln!(w, "\n## Trend\n")?;
        let heads = trend_heads(&s.trend);
        writeln!(
            w,
            "| period | {} |\n|---|{}",
            heads.join(" | "),
            "---:|".repeat(heads.len())
        )?;
        for p in &s.trend {
            writeln!(
                w,
                "| {} | {} |",
                md_cell(&p.period),
                trend_cells(p).join(" | ")
            )?;
        }
    }
    if let Some(p) = &s.provenance {
        writeln!(w, "\n## AI commits and incident rate\n")?;
        writeln!(
            w,
            "{} commits on {} in the period, {} with AI provenance.\n",
            p.commits,
            p.shown_on(),
            p.ai_commits
        )?;
        writeln!(
            w,
            "| tool | AI commits | incidents | incidents per 1,000 commits |\n|---|---:|---:|---:|"
        )?;
        for (tool, r) in &p.by_tool {
            let rate = r
                .incidents_per_1000_commits
                .map_or_else(|| "—".to_string(), |x| format!("{x:.2}"));
            writeln!(
                w,
                "| {} | {} | {} | {rate} |",
                md_cell(tool),
                r.commits,
                r.incidents
            )?;
        }
    }
    w.flush()
}

/// One CSV cell (RFC 4180 quoting) from text a record or a commit wrote:
/// control characters are escaped (the file is read in terminals too), and a
/// cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR
/// first, OWASP's CSV-injection rule) is prefixed with `'`.
fn csv_field(s: &str) -> String {
    let s = crate::redact::escape_controls(s);
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.into_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One `dimension,value,count` table: every `by_*` row, then the scalar
/// figures with the dimension naming the figure (`mttr_hours`,
/// `sla_compliance`, `corrective_actions`, `provenance_commits`,
/// `incidents_per_1000_commits`), then the trend, oldest period first
/// (`trend_incidents` and `trend_weighted_score`, the period's label as the
/// value). Empty figures have an empty count.
pub fn csv(w: &mut impl Write, s: &Stats) -> io::Result<()> {
    writeln!(w, "dimension,value,count")?;
    writeln!(w, "incidents,total,{}", s.incidents)?;
    writeln!(w, "weighted_score,current,{}", s.weighted_score)?;
    writeln!(w, "weighted_score,previous,{}", s.previous_weighted_score)?;
    for (key, _) in DIMENSIONS {
        let Some(map) = s.dimension(key) else {
            continue;
        };
        for (k, n) in map {
            writeln!(w, "{key},{},{n}", csv_field(k))?;
        }
    }
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for (sev, h) in &s.mttr_hours {
        writeln!(w, "mttr_hours,{sev},{}", opt(*h))?;
    }
    for (k, f) in &s.sla_compliance {
        writeln!(w, "sla_compliance,{k},{}", opt(*f))?;
    }
    let ca = &s.corrective_actions;
    writeln!(w, "corrective_actions,opened,{}", ca.opened)?;
    writeln!(w, "corrective_actions,verified,{}", ca.verified)?;
    writeln!(w, "corrective_actions,overdue,{}", ca.overdue)?;
    for (mark, m) in &ca.effectiveness {
        for (k, n) in m.rows() {
            writeln!(w, "effectiveness_{mark},{k},{n}")?;
        }
    }
    for p in &s.trend {
        let label = csv_field(&p.period);
        writeln!(w, "trend_incidents,{label},{}", p.incidents)?;
        writeln!(w, "trend_weighted_score,{label},{}", p.weighted_score)?;
    }
    if let Some(p) = &s.provenance {
        for (tool, r) in &p.by_tool {
            writeln!(w, "provenance_commits,{},{}", csv_field(tool), r.commits)?;
            writeln!(
                w,
                "incidents_per_1000_commits,{},{}",
                csv_field(tool),
                opt(r.incidents_per_1000_commits)
            )?;
        }
    }
    w.flush()
}
