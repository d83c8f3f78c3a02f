//! The HTML report: one self-contained, well-formed (XHTML-compatible) file
//! with an inline SVG bar chart per dimension and an SVG line chart of the
//! trend. No scripts, no external
//! fonts, styles or URLs, so it can be mailed, archived or opened offline.
use std::io::{self, Write};

use super::render::{delta, dimension_rows, opt_hours, opt_pct};
use super::{DIMENSIONS, Stats, TrendPoint};

/// Escapes text for HTML/SVG content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => o.push(c),
        }
    }
    o
}

/// One bar colour per chart, colour-blind-friendly (Okabe–Ito).
const PALETTE: [&str; 9] = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7A5C99", "#B85450",
    "#3B7A57",
];

const STYLE: &str = "
:root{color-scheme:light}
body{margin:0;background:#f6f7f9;color:#1d232b;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:32px 24px 48px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 12px}
.sub{color:#5b6573;margin:0 0 24px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:16px;margin-bottom:24px}
.tile{background:#fff;border-radius:10px;padding:16px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
.tile .k{font-size:13px;color:#5b6573;text-transform:uppercase;letter-spacing:.04em}
.tile .v{font-size:32px;font-weight:650;font-variant-numeric:tabular-nums}
.tile .d{font-size:14px;color:#5b6573}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:16px}
section{background:#fff;border-radius:10px;padding:16px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:16px}
svg{display:block;width:100%;height:auto}
svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;font-size:13px;fill:#1d232b}
svg .n{font-variant-numeric:tabular-nums;fill:#3d4652}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e6e8eb}
th{font-size:13px;color:#5b6573;font-weight:600}
td.r,th.r{text-align:right}
.empty{color:#8a94a3;font-style:italic}
footer{color:#8a94a3;font-size:13px;margin-top:24px}
";

/// Width of the label column and of the longest bar, in SVG units.
const LABEL_W: u32 = 190;
const BAR_W: u32 = 250;
const ROW_H: u32 = 26;

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// A horizontal bar chart of `rows` (label, value, value as printed).
fn chart(
    w: &mut impl Write,
    key: &str,
    title: &str,
    rows: &[(String, f64, String)],
    color: &str,
) -> io::Result<()> {
    let height = (rows.len().max(1) as u32) * ROW_H + 8;
    let width = LABEL_W + BAR_W + 110;
    writeln!(
        w,
        "<svg class=\"chart\" data-dimension=\"{}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">",
        esc(key),
        esc(title)
    )?;
    writeln!(w, "<title>{}</title>", esc(title))?;
    if rows.is_empty() {
        writeln!(w, "<text x=\"0\" y=\"20\" class=\"n\">no incidents</text>")?;
    }
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max);
    for (i, (label, v, shown)) in rows.iter().enumerate() {
        let y = i as u32 * ROW_H + 4;
        let len = if max > 0.0 {
            (v / max * f64::from(BAR_W))
                .round()
                .max(if *v > 0.0 { 2.0 } else { 0.0 })
        } else {
            0.0
        };
        writeln!(
            w,
            "<g><title>{}: {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{}\" y=\"{y}\" width=\"{len}\" height=\"{}\" rx=\"3\" fill=\"{color}\" /><text class=\"n\" x=\"{}\" y=\"{}\">{}</text></g>",
            esc(label),
            esc(shown),
            LABEL_W - 8,
            y + 17,
            esc(&truncate(label, 26)),
            LABEL_W,
            ROW_H - 6,
            f64::from(LABEL_W) + len + 6.0,
            y + 17,
            esc(shown)
        )?;
    }
    writeln!(w, "</svg>")
}

/// Size of the trend chart and its margins, in SVG units.
const TREND_W: f64 = 960.0;
const TREND_H: f64 = 260.0;
// left, right, top, bottom: room for a date-range label centred under the
// first and last points.
const TREND_PAD: (f64, f64, f64, f64) = (84.0, 84.0, 20.0, 44.0);

/// One line of the trend chart: name, colour, the value it draws.
type Series = (&'static str, &'static str, fn(&TrendPoint) -> u32);

/// A line chart of the trend: incidents and weighted score per period on
/// one axis from 0, a point per period with its value as a tooltip, the
/// period labels under the axis and a legend.
fn trend_chart(w: &mut impl Write, t: &[TrendPoint]) -> io::Result<()> {
    let (left, right, top, bottom) = TREND_PAD;
    let max = t
        .iter()
        .map(|p| p.weighted_score.max(p.incidents))
        .max()
        .unwrap_or(0)
        .max(1);
    let plot_w = TREND_W - left - right;
    let plot_h = TREND_H - top - bottom;
    let x = |i: usize| {
        if t.len() < 2 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (t.len() - 1) as f64
        }
    };
    let y = |v: u32| top + plot_h - plot_h * f64::from(v) / f64::from(max);
    writeln!(
        w,
        "<svg class=\"trend\" data-chart=\"trend\" viewBox=\"0 0 {TREND_W} {TREND_H}\" role=\"img\" aria-label=\"Incidents and weighted score per period\">"
    )?;
    writeln!(w, "<title>Incidents and weighted score per period</title>")?;
    // Axis and gridlines at 0, half and the maximum.
    let mut ticks = vec![0, max / 2, max];
    ticks.dedup();
    for v in ticks {
        writeln!(
            w,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e6e8eb\" /><text class=\"n\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>",
            TREND_W - right,
            left - 8.0,
            y(v) + 4.0,
            y = y(v)
        )?;
    }
    for (i, p) in t.iter().enumerate() {
        writeln!(
            w,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            x(i),
            TREND_H - bottom + 20.0,
            esc(&p.period)
        )?;
    }
    let series: [Series; 2] = [
        ("incidents", PALETTE[0], |p| p.incidents),
        ("weighted score", PALETTE[1], |p| p.weighted_score),
    ];
    for (name, color, value) in series {
        let points: Vec<String> = t
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
            .collect();
        writeln!(
            w,
            "<polyline data-series=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\" points=\"{}\" />",
            esc(name),
            points.join(" ")
        )?;
        for (i, p) in t.iter().enumerate() {
            writeln!(
                w,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"{color}\"><title>{} {}: {}</title></circle>",
                x(i),
                y(value(p)),
                esc(&p.period),
                esc(name),
                value(p)
            )?;
        }
    }
    for (k, (name, color, _)) in series.iter().enumerate() {
        let lx = left + 8.0 + 170.0 * k as f64;
        writeln!(
            w,
            "<rect x=\"{lx}\" y=\"{}\" width=\"14\" height=\"4\" fill=\"{color}\" /><text x=\"{}\" y=\"{}\">{}</text>",
            TREND_H - 10.0,
            lx + 20.0,
            TREND_H - 4.0,
            esc(name)
        )?;
    }
    writeln!(w, "</svg>")
}

/// The whole page.
pub fn html(w: &mut impl Write, s: &Stats, title: &str) -> io::Result<()> {
    writeln!(w, "<!DOCTYPE html>")?;
    writeln!(w, "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\" />")?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />"
    )?;
    writeln!(w, "<title>AI incident report {}</title>", esc(title))?;
    writeln!(w, "<style>{STYLE}</style>\n</head>\n<body>\n<main>")?;
    writeln!(w, "<h1>AI incident report {}</h1>", esc(title))?;
    writeln!(
        w,
        "<p class=\"sub\">{} – {} (UTC) · generated {}</p>",
        esc(&s.period.from),
        esc(&s.period.to),
        esc(&s.generated_at)
    )?;
    let ca = &s.corrective_actions;
    let tiles = [
        ("Incidents", s.incidents.to_string(), String::new()),
        (
            "Weighted score",
            s.weighted_score.to_string(),
            format!(
                "previous {} ({})",
                s.previous_weighted_score,
                delta(s.weighted_score, s.previous_weighted_score)
            ),
        ),
        (
            "Actions verified",
            format!("{} / {}", ca.verified, ca.opened),
            format!("{} overdue", ca.overdue),
        ),
        (
            "Resolve SLA met",
            opt_pct(s.sla_compliance.get("resolve").copied().flatten()),
            String::new(),
        ),
    ];
    writeln!(w, "<div class=\"tiles\">")?;
    for (k, v, d) in tiles {
        writeln!(
            w,
            "<div class=\"tile\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"d\">{}</div></div>",
            esc(k),
            esc(&v),
            esc(&d)
        )?;
    }
    writeln!(w, "</div>")?;
    if !s.trend.is_empty() {
        writeln!(
            w,
            "<section>\n<h2>Trend over the last {} periods</h2>",
            s.trend.len()
        )?;
        trend_chart(w, &s.trend)?;
        writeln!(w, "</section>")?;
    }
    writeln!(w, "<div class=\"grid\">")?;
    for (i, (key, name)) in DIMENSIONS.iter().enumerate() {
        let Some(map) = s.dimension(key) else {
            continue;
        };
        let rows: Vec<(String, f64, String)> = dimension_rows(key, map)
            .into_iter()
            .map(|(k, n)| (k.to_string(), f64::from(n), n.to_string()))
            .collect();
        writeln!(w, "<section>\n<h2>{}</h2>", esc(name))?;
        chart(
            w,
            key,
            &format!("Incidents by {}", name.to_lowercase()),
            &rows,
            PALETTE[i % PALETTE.len()],
        )?;
        writeln!(w, "</section>")?;
    }
    if let Some(p) = &s.provenance {
        let rows: Vec<(String, f64, String)> = p
            .by_tool
            .iter()
            .filter_map(|(t, r)| {
                r.incidents_per_1000_commits.map(|x| {
                    (
                        t.clone(),
                        x,
                        format!("{x:.2} ({} / {})", r.incidents, r.commits),
                    )
                })
            })
            .collect();
        writeln!(w, "<section>\n<h2>Incidents per 1,000 AI commits</h2>")?;
        chart(
            w,
            "provenance",
            "Incidents per 1,000 AI commits by tool",
            &rows,
            PALETTE[8],
        )?;
        writeln!(
            w,
            "<p class=\"sub\">Commits on {} in the period: {}, with AI provenance: {}.</p>\n</section>",
            esc(p.shown_on()),
            p.commits,
            p.ai_commits
        )?;
    }
    writeln!(w, "</div>")?;

    writeln!(
        w,
        "<section>\n<h2>Time to resolve and SLA compliance</h2>\n<table>"
    )?;
    writeln!(w, "<tr><th>severity</th><th class=\"r\">MTTR</th></tr>")?;
    for (sev, h) in &s.mttr_hours {
        writeln!(
            w,
            "<tr><td>{}</td><td class=\"r\">{}</td></tr>",
            esc(sev),
            esc(&opt_hours(*h))
        )?;
    }
    writeln!(w, "</table>\n<table>")?;
    writeln!(
        w,
        "<tr><th>SLA</th><th class=\"r\">met</th><th class=\"r\">met / applicable</th></tr>"
    )?;
    for (k, f) in &s.sla_compliance {
        let c = s.sla_counts.get(k).copied().unwrap_or_default();
        writeln!(
            w,
            "<tr><td>{}</td><td class=\"r\">{}</td><td class=\"r\">{} / {}</td></tr>",
            esc(k),
            esc(&opt_pct(*f)),
            c.met,
            c.applicable
        )?;
    }
    writeln!(w, "</table>\n</section>")?;

    writeln!(
        w,
        "<section>\n<h2>Corrective-action effectiveness</h2>\n<table>"
    )?;
    let heads: String = super::MarkResults::default()
        .rows()
        .iter()
        .map(|(k, _)| format!("<th class=\"r\">{}</th>", esc(k)))
        .collect();
    writeln!(w, "<tr><th>mark</th>{heads}</tr>")?;
    for (mark, m) in &ca.effectiveness {
        let cells: String = m
            .rows()
            .iter()
            .map(|(_, n)| format!("<td class=\"r\">{n}</td>"))
            .collect();
        writeln!(w, "<tr><td>{}</td>{cells}</tr>", esc(mark))?;
    }
    writeln!(w, "</table>\n</section>")?;
    writeln!(
        w,
        "<footer>aeef report · severity weights SEV-1 10, SEV-2 5, SEV-3 2, SEV-4 1 · an incident belongs to the period containing its detected_at</footer>"
    )?;
    writeln!(w, "</main>\n</body>\n</html>")?;
    w.flush()
}
