//! Static inline SVG charts: horizontal (stacked) bars and histograms. Every label is escaped here.

use std::fmt::Write;

use crate::escape::{cut, html, number};
use saring_pipeline::Threshold;

/// Width of every chart, in SVG user units (pixels at 100%).
const WIDTH: f64 = 760.0;
/// Where bars begin, right of their labels.
const BAR_X: f64 = 230.0;
/// Longest bar.
const BAR_W: f64 = 340.0;
/// Height of one bar row.
const ROW_H: f64 = 22.0;

/// One segment of a bar: its count, CSS class (its colour) and tooltip name.
pub(crate) struct Segment {
    pub value: u64,
    pub class: &'static str,
    pub name: &'static str,
}

/// One row of a bar chart.
pub(crate) struct Bar {
    pub label: String,
    pub segments: Vec<Segment>,
    /// The text written after the bar.
    pub note: String,
}

/// A horizontal bar chart, bars scaled so that `scale` fills the width (the longest bar when `None`).
pub(crate) fn bars(id: &str, rows: &[Bar], scale: Option<u64>) -> String {
    let longest = rows
        .iter()
        .map(|r| r.segments.iter().map(|s| s.value).sum::<u64>())
        .max()
        .unwrap_or(0);
    let scale = scale.unwrap_or(longest).max(1) as f64;
    let height = ROW_H * rows.len() as f64 + 8.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart bars" id="{id}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img">"#,
        id = html(id)
    );
    for (i, row) in rows.iter().enumerate() {
        let y = 4.0 + ROW_H * i as f64;
        let _ = write!(
            svg,
            r#"<g class="row"><title>{full}</title><text class="label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>"#,
            full = html(&row.label),
            lx = BAR_X - 6.0,
            ty = y + 15.0,
            label = html(&cut(&row.label, 34)),
        );
        let mut x = BAR_X;
        for segment in &row.segments {
            let w = segment.value as f64 / scale * BAR_W;
            if segment.value > 0 {
                let _ = write!(
                    svg,
                    r#"<rect class="bar {class}" x="{x:.1}" y="{ry}" width="{w:.1}" height="{rh}"><title>{name}: {value}</title></rect>"#,
                    class = segment.class,
                    ry = y + 3.0,
                    rh = ROW_H - 6.0,
                    name = segment.name,
                    value = segment.value,
                );
            }
            x += w;
        }
        let _ = write!(
            svg,
            r#"<text class="value" x="{vx:.1}" y="{ty}">{note}</text></g>"#,
            vx = x + 6.0,
            ty = y + 15.0,
            note = html(&row.note),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Bins of a histogram.
const BINS: usize = 40;
/// Plot area of a histogram.
const H_LEFT: f64 = 60.0;
const H_RIGHT: f64 = WIDTH - 20.0;
const H_TOP: f64 = 24.0;
const H_BOTTOM: f64 = 190.0;
const H_HEIGHT: f64 = 224.0;

/// The x-axis of a histogram: linear, or log10(1 + x) for long-tailed counts such as lengths.
#[derive(Clone, Copy)]
pub(crate) enum Axis {
    Linear,
    Log,
}

impl Axis {
    fn to_plot(self, x: f64) -> f64 {
        match self {
            Axis::Linear => x,
            Axis::Log => (x.max(0.0) + 1.0).log10(),
        }
    }
    fn plot_to_value(self, t: f64) -> f64 {
        match self {
            Axis::Linear => t,
            Axis::Log => 10f64.powf(t) - 1.0,
        }
    }
}

/// A histogram of `values` with a dashed line at each threshold; an empty string when there are no values.
pub(crate) fn histogram(id: &str, values: &[f64], axis: Axis, thresholds: &[Threshold]) -> String {
    let points: Vec<f64> = values
        .iter()
        .copied()
        .filter(|v| v.is_finite())
        .map(|v| axis.to_plot(v))
        .collect();
    if points.is_empty() {
        return String::new();
    }
    let marks: Vec<f64> = thresholds.iter().map(|t| axis.to_plot(t.value)).collect();
    let all = points.iter().chain(marks.iter()).copied();
    let mut lo = all.clone().fold(f64::INFINITY, f64::min);
    let mut hi = all.fold(f64::NEG_INFINITY, f64::max);
    if hi - lo < 1e-12 {
        lo -= 0.5;
        hi += 0.5;
    }
    let span = hi - lo;
    let mut counts = [0u64; BINS];
    for t in &points {
        let bin = (((t - lo) / span) * BINS as f64) as usize;
        if let Some(count) = counts.get_mut(bin.min(BINS - 1)) {
            *count += 1;
        }
    }
    let top = counts.iter().copied().max().unwrap_or(1).max(1) as f64;
    let plot_w = H_RIGHT - H_LEFT;
    let bin_w = plot_w / BINS as f64;
    let x_of = |t: f64| H_LEFT + (t - lo) / span * plot_w;
    let mut svg = plot_start("histogram", id, H_HEIGHT, &(top as u64).to_string());
    for (i, count) in counts.iter().enumerate() {
        if *count == 0 {
            continue;
        }
        let h = *count as f64 / top * (H_BOTTOM - H_TOP);
        let from = axis.plot_to_value(lo + span * i as f64 / BINS as f64);
        let to = axis.plot_to_value(lo + span * (i + 1) as f64 / BINS as f64);
        let _ = write!(
            svg,
            r#"<rect class="bin" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"><title>{from} – {to}: {count}</title></rect>"#,
            x = H_LEFT + bin_w * i as f64 + 0.5,
            y = H_BOTTOM - h,
            w = (bin_w - 1.0).max(0.5),
            from = number(from),
            to = number(to),
        );
    }
    for i in 0..=4 {
        let t = lo + span * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r#"<text class="tick" x="{x:.1}" y="{y}" text-anchor="{anchor}">{label}</text>"#,
            x = x_of(t),
            anchor = match i {
                0 => "start",
                4 => "end",
                _ => "middle",
            },
            y = H_BOTTOM + 16.0,
            label = number(axis.plot_to_value(t)),
        );
    }
    for (threshold, t) in thresholds.iter().zip(&marks) {
        let x = x_of(*t);
        let below = values.iter().filter(|v| **v < threshold.value).count();
        let share = below as f64 * 100.0 / values.len().max(1) as f64;
        let anchor = if x > WIDTH * 0.7 { "end" } else { "start" };
        let dx = if anchor == "end" { -4.0 } else { 4.0 };
        let _ = write!(
            svg,
            r#"<g class="threshold"><line x1="{x:.1}" y1="{y1}" x2="{x:.1}" y2="{H_BOTTOM}"/><text x="{tx:.1}" y="{ty}" text-anchor="{anchor}">{key} = {value} ({share:.1}% of the sample below)</text></g>"#,
            y1 = H_TOP - 10.0,
            tx = x + dx,
            ty = H_TOP - 2.0,
            key = html(&threshold.key),
            value = number(threshold.value),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The opening of a plot: the `<svg>` element of CSS class `chart {class}`, its two axes, and the y-axis
/// labels (`top` at the top, 0 at the bottom).
fn plot_start(class: &str, id: &str, height: f64, top: &str) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart {class}" id="{id}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" role="img">"#,
        id = html(id)
    );
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{H_LEFT}" y1="{H_BOTTOM}" x2="{H_RIGHT}" y2="{H_BOTTOM}"/><line class="axis" x1="{H_LEFT}" y1="{H_TOP}" x2="{H_LEFT}" y2="{H_BOTTOM}"/>"#
    );
    let _ = write!(
        svg,
        r#"<text class="tick" x="{x}" y="{y}" text-anchor="end">{top}</text><text class="tick" x="{x}" y="{H_BOTTOM}" text-anchor="end">0</text>"#,
        x = H_LEFT - 6.0,
        y = H_TOP + 4.0,
        top = html(top),
    );
    svg
}

/// One line of a line chart: its name (in the legend) and its `(x, y)` points in x order.
pub(crate) struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// Colours of the lines, in turn.
const LINE_COLOURS: [&str; 8] = [
    "#3f7fbf", "#e39b2d", "#2e9b6a", "#c8423b", "#7a5cc2", "#8c6d46", "#d064a6", "#5b6472",
];

/// A line chart of `series` on shared axes from 0, with the x and y units named; an empty string when no
/// series has a point.
pub(crate) fn lines(id: &str, series: &[Series], x_unit: &str, y_unit: &str) -> String {
    let all = || {
        series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    if all().next().is_none() {
        return String::new();
    }
    let x_max = all().map(|p| p.0).fold(0.0, f64::max).max(1e-9);
    let y_max = all().map(|p| p.1).fold(0.0, f64::max).max(1e-9);
    let plot_w = H_RIGHT - H_LEFT;
    let x_of = |x: f64| H_LEFT + x / x_max * plot_w;
    let y_of = |y: f64| H_BOTTOM - y / y_max * (H_BOTTOM - H_TOP);
    let legend_h = 18.0 * series.len().div_ceil(4) as f64;
    let height = H_HEIGHT + legend_h;
    let mut svg = plot_start("lines", id, height, &number(y_max));
    let _ = write!(
        svg,
        r#"<text class="tick" x="{lx}" y="{ly}">{unit}</text>"#,
        lx = H_LEFT + 6.0,
        ly = H_TOP - 8.0,
        unit = html(y_unit),
    );
    for i in 0..=4 {
        let x = x_max * f64::from(i) / 4.0;
        let _ = write!(
            svg,
            r#"<text class="tick" x="{tx:.1}" y="{y}" text-anchor="{anchor}">{label}</text>"#,
            tx = x_of(x),
            y = H_BOTTOM + 16.0,
            anchor = match i {
                0 => "start",
                4 => "end",
                _ => "middle",
            },
            label = if i == 4 {
                format!("{} {}", number(x), html(x_unit))
            } else {
                number(x)
            },
        );
    }
    for (i, line) in series.iter().enumerate() {
        let colour = LINE_COLOURS
            .get(i % LINE_COLOURS.len())
            .copied()
            .unwrap_or("#3f7fbf");
        let mut points = String::new();
        for (x, y) in line.points.iter().filter(|(x, y)| x.is_finite() && y.is_finite()) {
            let _ = write!(points, "{:.1},{:.1} ", x_of(*x), y_of(*y));
        }
        let _ = write!(
            svg,
            r#"<polyline class="series" fill="none" stroke="{colour}" stroke-width="2" points="{points}"><title>{name}</title></polyline>"#,
            points = points.trim_end(),
            name = html(&line.name),
        );
        let lx = H_LEFT + 170.0 * (i % 4) as f64;
        let ly = H_HEIGHT + 18.0 * (i / 4) as f64;
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="{ry}" width="12" height="4" fill="{colour}"/><text class="tick" x="{tx}" y="{ly}">{name}</text>"#,
            ry = ly - 6.0,
            tx = lx + 16.0,
            name = html(&cut(&line.name, 22)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// count, min, median, 90th percentile and max of `values`, as a one-line summary.
pub(crate) fn summary(values: &[f64]) -> String {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let i = ((sorted.len().saturating_sub(1)) as f64 * q).round() as usize;
        sorted.get(i).copied().map_or_else(|| "—".to_owned(), number)
    };
    format!(
        "n = {}, min {}, median {}, p90 {}, max {}",
        sorted.len(),
        at(0.0),
        at(0.5),
        at(0.9),
        at(1.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_labels_and_scale() {
        let svg = bars(
            "x",
            &[Bar {
                label: "<b>".into(),
                segments: vec![Segment {
                    value: 5,
                    class: "kept",
                    name: "kept",
                }],
                note: "5".into(),
            }],
            Some(10),
        );
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
        assert!(svg.contains(r#"width="170.0""#), "{svg}");
    }

    #[test]
    fn lines_draw_one_polyline_per_series_with_escaped_names() {
        let series = [
            Series {
                name: "rank <0>".into(),
                points: vec![(0.0, 0.0), (1.0, 10.0), (2.0, 5.0)],
            },
            Series {
                name: "rank 1".into(),
                points: vec![(0.5, 2.0), (f64::NAN, 1.0)],
            },
        ];
        let svg = lines("t", &series, "s", "docs/s");
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert!(svg.contains("rank &lt;0&gt;") && !svg.contains("<0>"));
        // The top of the y axis is the largest value; x runs to the last second.
        assert!(svg.contains(">10</text>") && svg.contains(">2 s</text>"), "{svg}");
        assert!(
            svg.contains(&format!("points=\"{H_LEFT:.1},{H_BOTTOM:.1} ")),
            "{svg}"
        );
        assert!(lines("t", &[], "s", "docs/s").is_empty());
    }

    #[test]
    fn histogram_draws_bins_and_threshold() {
        let values: Vec<f64> = (0..100).map(f64::from).collect();
        let t =
            saring_pipeline::PipelineConfig::from_toml("[[step]]\ntype = \"min_length\"\nmin_chars = 50\n")
                .unwrap()
                .thresholds_for("min_length.chars");
        let svg = histogram("h", &values, Axis::Linear, &t);
        assert_eq!(svg.matches("class=\"bin\"").count(), BINS);
        assert!(
            svg.contains("min_chars = 50 (50.0% of the sample below)"),
            "{svg}"
        );
        assert!(histogram("h", &[], Axis::Log, &t).is_empty());
        assert!(histogram("h", &[3.0, 3.0], Axis::Log, &[]).contains("class=\"bin\""));
        assert!(summary(&values).starts_with("n = 100, min 0, median 50"));
    }
}
