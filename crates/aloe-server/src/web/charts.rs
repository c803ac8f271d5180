//! The pages' charts as inline SVG, built in Rust so that a page needs no script and fetches nothing.
//! Bars and the gauge are a few hand-placed shapes; line charts are drawn by plotters' SVG backend (its
//! axes and ticks). Every label here is ours or a number, so the SVG is inserted unescaped (`|safe`).

use std::fmt::Write;

use plotters::prelude::*;

/// Colours shared with the layout's CSS.
const BLUE: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const RED: RGBColor = RGBColor(0xb0, 0x2a, 0x1e);
const LINE_SIZE: (u32, u32) = (640, 260);

/// One bar: its label, its value and its CSS colour.
pub(super) type Bar = (&'static str, u64, &'static str);

/// A vertical bar chart of counts, each bar labelled with its name and value.
pub(super) fn bars(bars: &[Bar]) -> String {
    let (width, height, base, top) = (480.0, 220.0, 185.0, 24.0);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let slot = width / bars.len().max(1) as f64;
    let mut svg = format!(
        r#"<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="bar chart">"#
    );
    let _ = write!(svg, r##"<line x1="0" y1="{base}" x2="{width}" y2="{base}" stroke="#bbb"/>"##);
    for (i, (label, value, colour)) in bars.iter().enumerate() {
        let h = (base - top) * *value as f64 / max;
        let x = slot * i as f64 + slot * 0.2;
        let (w, cx) = (slot * 0.6, slot * (i as f64 + 0.5));
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{h:.1}" fill="{colour}" rx="2"/><text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="13">{value}</text><text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="12" fill="#555">{label}</text>"##,
            base - h,
            base - h - 5.0,
            base + 18.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A half-circle gauge of `score` on 0 to 1000, coloured by band (below 550 red, below 700 amber).
pub(super) fn gauge(score: u64) -> String {
    let (cx, cy, r) = (110.0_f64, 110.0_f64, 90.0_f64);
    let fraction = score.min(1000) as f64 / 1000.0;
    // The arc runs from the left end (angle π) clockwise over the top to the point at π(1 − fraction).
    let angle = std::f64::consts::PI * (1.0 - fraction);
    let (x, y) = (cx + r * angle.cos(), cy - r * angle.sin());
    let colour = match score {
        0..550 => "#b02a1e",
        550..700 => "#c98a00",
        _ => "#278a3e",
    };
    let value = if score == 0 {
        String::new()
    } else {
        format!(
            r#"<path d="M {:.1} {cy} A {r} {r} 0 0 1 {x:.2} {y:.2}" stroke="{colour}" stroke-width="18" fill="none"/>"#,
            cx - r
        )
    };
    format!(
        r##"<svg class="gauge" viewBox="0 0 220 135" width="220" height="135" role="img" aria-label="score {score} of 1000"><path d="M {:.1} {cy} A {r} {r} 0 0 1 {:.1} {cy}" stroke="#e4e4e4" stroke-width="18" fill="none"/>{value}<text x="{cx}" y="{:.1}" text-anchor="middle" font-size="30" font-weight="bold">{score}</text><text x="{:.1}" y="130" font-size="11" fill="#666">0</text><text x="{:.1}" y="130" font-size="11" fill="#666" text-anchor="end">1000</text></svg>"##,
        cx - r,
        cx + r,
        cy - 8.0,
        cx - r - 9.0,
        cx + r + 9.0,
    )
}

/// A line chart of `points` (with a marker on each), axes described and x ticks written by `x_label`.
pub(super) fn line(points: &[(f64, f64)], x_desc: &str, y_desc: &str, x_label: &dyn Fn(&f64) -> String) -> String {
    let mut svg = String::new();
    let drawn = draw_line(&mut svg, points, x_desc, y_desc, x_label);
    match drawn {
        Ok(()) => svg,
        Err(error) => format!("<p class=\"note\">The chart could not be drawn ({}).</p>", escape(&error.to_string())),
    }
}

fn draw_line(
    svg: &mut String,
    points: &[(f64, f64)],
    x_desc: &str,
    y_desc: &str,
    x_label: &dyn Fn(&f64) -> String,
) -> Result<(), Box<dyn std::error::Error>> {
    let x_low = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_high = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let (x_low, x_high) = if x_low.is_finite() && x_high > x_low { (x_low, x_high) } else { (0.0, 1.0) };
    let y_high = points.iter().map(|p| p.1).fold(0.0, f64::max);
    let y_high = if y_high > 0.0 { y_high * 1.1 } else { 1.0 };
    let root = SVGBackend::with_string(svg, LINE_SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(x_low..x_high, 0.0..y_high)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(6)
        .x_label_formatter(x_label)
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 14))
        .light_line_style(WHITE.mix(0.0))
        .draw()?;
    chart.draw_series(LineSeries::new(points.iter().copied(), BLUE.stroke_width(2)))?;
    chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, RED.filled())))?;
    root.present()?;
    Ok(())
}

/// Escapes text for HTML (the one message here that is not ours: plotters' error).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_are_svg_with_their_values() {
        let chart = bars(&[("open", 3, "#1f5fa8"), ("repaid", 0, "#278a3e")]);
        assert!(chart.starts_with("<svg") && chart.ends_with("</svg>"));
        assert!(chart.contains(">3</text>") && chart.contains(">open</text>"));
        let full = gauge(1000);
        assert!(full.contains("score 1000 of 1000") && full.contains("#278a3e"));
        assert!(!gauge(0).contains("#b02a1e"), "an empty gauge draws no arc");
        let plot = line(&[(0.0, 2.0), (1.0, 1.0), (2.0, 0.0)], "period", "ether", &|x| format!("{x:.0}"));
        assert!(plot.contains("<svg") && plot.contains("period"), "{plot}");
    }
}
