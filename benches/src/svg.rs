//! A hand-written SVG grouped bar chart of ratios to the reference engine.
//!
//! Invariants: one group per benchmark plus a final geometric-mean group, one bar per engine
//! in a fixed colour; the value axis is logarithmic (base 2) around the reference line at 1.0,
//! so "twice as slow" and "twice as fast" are bars of equal length; missing values leave a
//! gap, never a zero-height bar that would read as "infinitely fast".

use std::fmt::Write as _;

const COLOURS: [&str; 6] = [
    "#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd", "#8c564b",
];

/// One series (engine) of the chart.
pub struct Series {
    /// Legend text.
    pub label: String,
    /// One value per group; `None` leaves a gap.
    pub values: Vec<Option<f64>>,
}

/// Escapes text for SVG.
fn esc(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders the chart. `groups` names the x-axis groups; each series has one value per group.
pub fn bar_chart(title: &str, groups: &[String], series: &[Series]) -> String {
    let (bar_w, gap, left, top, plot_h, bottom) = (12.0, 18.0, 60.0, 60.0, 300.0, 110.0);
    let group_w = bar_w * series.len().max(1) as f64 + gap;
    // Wide enough for the groups, the legend (150 px per entry) and the title (~8 px/char).
    let width = (left + group_w * groups.len().max(1) as f64 + 20.0)
        .max(left + 150.0 * series.len() as f64)
        .max(left + 8.0 * title.chars().count() as f64);
    let height = top + plot_h + bottom;
    // Log2 range covering every value and 1.0, padded to whole powers of two.
    let logs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .filter(|v| **v > 0.0 && v.is_finite())
        .map(|v| v.log2())
        .collect();
    let lo = logs
        .iter()
        .copied()
        .fold(0.0f64, f64::min)
        .floor()
        .min(-1.0);
    let hi = logs.iter().copied().fold(0.0f64, f64::max).ceil().max(1.0);
    let y = |v: f64| top + plot_h * (hi - v.log2()) / (hi - lo);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="20" font-size="14" font-weight="bold">{}</text>"#,
        esc(title)
    );
    // Legend.
    for (i, se) in series.iter().enumerate() {
        let x = left + 150.0 * i as f64;
        let _ = writeln!(
            s,
            r#"<rect x="{x}" y="32" width="10" height="10" fill="{}"/><text x="{}" y="41">{}</text>"#,
            COLOURS[i % COLOURS.len()],
            x + 14.0,
            esc(&se.label)
        );
    }
    // Grid lines at powers of two.
    let mut p = lo;
    while p <= hi {
        let v = 2f64.powf(p);
        let yy = y(v);
        let (stroke, dash) = if p == 0.0 {
            ("#000", "")
        } else {
            ("#ccc", r#" stroke-dasharray="3,3""#)
        };
        let _ = writeln!(
            s,
            r#"<line x1="{left}" y1="{yy:.1}" x2="{:.0}" y2="{yy:.1}" stroke="{stroke}"{dash}/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
            width - 20.0,
            left - 6.0,
            yy + 4.0,
            fmt_ratio(v)
        );
        p += 1.0;
    }
    // Bars grow from the reference line (1.0) up (slower) or down (faster).
    let base = y(1.0);
    for (g, name) in groups.iter().enumerate() {
        let gx = left + gap / 2.0 + group_w * g as f64;
        for (i, se) in series.iter().enumerate() {
            let Some(v) = se.values.get(g).copied().flatten() else {
                continue;
            };
            if v <= 0.0 || !v.is_finite() {
                continue;
            }
            let yy = y(v);
            let (y0, h) = if yy < base {
                (yy, base - yy)
            } else {
                (base, yy - base)
            };
            let _ = writeln!(
                s,
                r#"<rect x="{:.1}" y="{y0:.1}" width="{bar_w}" height="{:.1}" fill="{}"><title>{}: {} = {v:.3}</title></rect>"#,
                gx + bar_w * i as f64,
                h.max(0.5),
                COLOURS[i % COLOURS.len()],
                esc(name),
                esc(&se.label)
            );
        }
        let tx = gx + bar_w * series.len() as f64 / 2.0;
        let ty = top + plot_h + 10.0;
        let _ = writeln!(
            s,
            r#"<text x="{tx:.1}" y="{ty:.1}" transform="rotate(45 {tx:.1} {ty:.1})">{}</text>"#,
            esc(name)
        );
    }
    s.push_str("</svg>\n");
    s
}

fn fmt_ratio(v: f64) -> String {
    if v >= 1.0 {
        format!("{v:.0}×")
    } else {
        format!("1/{:.0}×", 1.0 / v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_bars_gaps_and_escapes() {
        let groups = vec!["fib".to_string(), "a<b".to_string()];
        let series = vec![
            Series {
                label: "lua5.1".into(),
                values: vec![Some(4.0), None],
            },
            Series {
                label: "luajit".into(),
                values: vec![Some(1.0), Some(0.5)],
            },
        ];
        let svg = bar_chart("Ratio & more", &groups, &series);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        assert!(svg.contains("Ratio &amp; more"));
        assert!(svg.contains("a&lt;b"));
        // three bars: the None leaves a gap
        assert_eq!(svg.matches("<rect x=").count() - series.len(), 3, "{svg}");
        assert!(svg.contains("<title>fib: lua5.1 = 4.000</title>"));
        assert!(svg.contains(">4×</text>") && svg.contains(">1/2×</text>"));
    }
}
