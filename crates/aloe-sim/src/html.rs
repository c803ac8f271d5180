//! `report.html`: the figures of a [`Report`] as one self-contained page, plots drawn by plotters' SVG
//! backend and inlined, light CSS, no JavaScript and nothing fetched.
//!
//! The page is a pure function of the report, so the same seed gives the same page except the wall time.
//! Bars are drawn as plain rectangles rather than with plotters' `Histogram`, which orders its bars by a
//! `HashMap` and so would change the SVG from one run to the next.

use std::error::Error;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use aloe_server::web::format::thousands;

use crate::Report;
use crate::engine::{TIERS, Tier};
use crate::report::{DayRow, Outcome, TierReturn};

/// Size of every plot, in SVG pixels (CSS scales it down on narrow screens).
const PLOT: (u32, u32) = (760, 400);
const FONT: &str = "sans-serif";

const RED_: RGBColor = RGBColor(0xc0, 0x39, 0x2b);
const GREEN_: RGBColor = RGBColor(0x27, 0x8a, 0x3e);
const BLUE_: RGBColor = RGBColor(0x1f, 0x5f, 0xa8);
const GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// Width of a score-distribution bin, in thousandths.
const SCORE_BIN: u64 = 50;
const SCORE_BINS: u64 = 1000 / SCORE_BIN;

const CSS: &str = "
body { font: 15px/1.45 system-ui, sans-serif; color: #222; max-width: 1100px; margin: 0 auto; padding: 0 1.2em 3em; }
h1 { margin-bottom: 0.2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { padding: 0.25em 0.7em; border-bottom: 1px solid #e4e4e4; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid #bbb; }
.facts th { text-align: left; font-weight: normal; color: #555; }
.facts td { text-align: left; }
.row { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
svg { max-width: 100%; height: auto; }
.note { color: #666; font-size: 0.92em; }
.partial { background: #fff3cd; border: 2px solid #c98a00; padding: 0.6em 1em; font-weight: bold; }
.error { color: #a00; }
";

/// The report as one self-contained HTML page (inline SVG plots, inline CSS, no JavaScript, no external resources).
pub fn render(report: &Report) -> String {
    let mut page = String::with_capacity(64 * 1024);
    page.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    page.push_str(&format!("<title>Aloe market simulation, seed {}</title>\n", report.config.seed));
    page.push_str(&format!("<style>{CSS}</style>\n</head>\n<body>\n"));
    header(&mut page, report);
    defaults_section(&mut page, report);
    returns_section(&mut page, report);
    scores_section(&mut page, report);
    discrimination_section(&mut page, report);
    calibration_section(&mut page, report);
    gas_section(&mut page, report);
    page.push_str("</body>\n</html>\n");
    page
}

// ---------------------------------------------------------------- sections

fn header(page: &mut String, r: &Report) {
    let c = &r.config;
    page.push_str("<h1>Aloe market simulation</h1>\n");
    if r.partial {
        page.push_str(&format!(
            "<p class=\"partial\">PARTIAL: interrupted after {} of {} days; every figure covers only the days simulated.</p>\n",
            thousands(u64::from(r.days_simulated)),
            thousands(u64::from(c.days)),
        ));
    }
    let count = |o: Outcome| r.borrows.iter().filter(|b| b.outcome == o).count() as u64;
    let requests = format!(
        "{} (repaid {}, defaulted {}, open {}, lapsed {})",
        thousands(r.borrows.len() as u64),
        thousands(count(Outcome::Repaid)),
        thousands(count(Outcome::Defaulted)),
        thousands(count(Outcome::Open)),
        thousands(count(Outcome::Lapsed)),
    );
    let rows = [
        ("Borrowers", thousands(c.borrowers as u64)),
        ("Lenders", thousands(c.lenders as u64)),
        ("Days", thousands(u64::from(c.days))),
        ("Seed", c.seed.to_string()),
        ("Days simulated", thousands(u64::from(r.days_simulated))),
        ("Borrow requests accepted", requests),
        ("Transactions", thousands(r.transactions)),
        ("Total gas", thousands(r.total_gas)),
        ("Model rotations", thousands(r.rotations)),
        ("Identity reveals", thousands(r.identity_reveals)),
        ("Wall time (the one figure that differs between runs of the same seed)", duration(r.wall_seconds)),
    ];
    page.push_str("<table class=\"facts\">\n");
    for (name, value) in rows {
        page.push_str(&format!("<tr><th>{}</th><td>{}</td></tr>\n", escape(name), escape(&value)));
    }
    page.push_str("</table>\n");
}

fn defaults_section(page: &mut String, r: &Report) {
    section(page, "defaults", "Defaults over time");
    page.push_str(&defaults_plot(&r.days));
    let note = if r.days.is_empty() {
        "No day was simulated."
    } else {
        "Cumulative counts at the end of each day; grey vertical lines mark the days the model rotated."
    };
    page.push_str(&format!("<p class=\"note\">{}</p>\n</section>\n", escape(note)));
}

fn returns_section(page: &mut String, r: &Report) {
    section(page, "returns", "Lenders' realised return by score band");
    page.push_str("<div class=\"row\">\n");
    page.push_str(&returns_plot(&r.returns));
    page.push_str("<table>\n<thead><tr><th>Tier</th><th>Requests ended</th><th>Default rate</th><th>Invested</th><th>Returned</th><th>Realised return</th></tr></thead>\n<tbody>\n");
    for d in &r.tier_defaults {
        let settled = r.returns.iter().find(|t| t.tier == d.tier);
        let money = |f: fn(&TierReturn) -> String| settled.map_or_else(|| "–".to_owned(), f);
        let rate =
            if d.requests == 0 { "n/a".to_owned() } else { percent_plain(d.defaults as f64 / d.requests as f64) };
        page.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&tier_label(&d.tier)),
            thousands(d.requests as u64),
            escape(&rate),
            escape(&money(|t| ether(t.invested_ether))),
            escape(&money(|t| ether(t.returned_ether))),
            escape(&money(|t| percent(t.realised_return))),
        ));
    }
    if r.returns.is_empty() {
        page.push_str("<tr><td colspan=\"6\">No loan settled.</td></tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</div>\n");
    let p = &r.private_decisions;
    page.push_str(&format!(
        "<p class=\"note\">Requests ended: repaid in full or confirmed in default. Money columns: settled loans only, what \
         their lenders got back over what they put in. The model tier asks no score: {} borrowers registered a credit \
         file (the notary committed to it on-chain), the credit model approves {}, {} of those borrowed with a \
         zero-knowledge proof of it, and {} requests were accepted with a proof.</p>\n</section>\n",
        thousands(p.credit_files as u64),
        thousands(p.approved as u64),
        thousands(p.provers as u64),
        thousands(p.borrows_with_proof as u64),
    ));
}

fn scores_section(page: &mut String, r: &Report) {
    section(page, "scores", "Score distribution: eventual defaulters vs payers");
    page.push_str(&scores_plot(&r.scores_defaulters, &r.scores_payers));
    page.push_str(&format!(
        "<p class=\"note\">Score at borrow time, in bins of {SCORE_BIN} thousandths; each bar is the share of its own group \
         ({} defaulters, {} payers), so the two shapes compare whatever the group sizes. Cold-start scores are FICO \
         values (300–850).</p>\n</section>\n",
        thousands(r.scores_defaulters.len() as u64),
        thousands(r.scores_payers.len() as u64),
    ));
}

fn discrimination_section(page: &mut String, r: &Report) {
    section(page, "discrimination", "Discrimination");
    page.push_str("<table>\n<thead><tr><th>Requests</th><th>With known outcome</th><th>Defaults</th><th>Default rate</th><th>AUROC</th></tr></thead>\n<tbody>\n");
    // The report's three rows in reading order, then any others it may grow.
    let known = ["all", "cold_start", "after_rotation"];
    let ordered = known.iter().filter_map(|k| r.discrimination.get_key_value(*k));
    let others = r.discrimination.iter().filter(|(k, _)| !known.contains(&k.as_str()));
    for (name, d) in ordered.chain(others) {
        let label = match name.as_str() {
            "all" => "all",
            "cold_start" => "cold-start model (before any rotation)",
            "after_rotation" => "after at least one rotation",
            other => other,
        };
        let rate =
            if d.requests == 0 { "n/a".to_owned() } else { percent_plain(d.defaults as f64 / d.requests as f64) };
        page.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(label),
            thousands(d.requests as u64),
            thousands(d.defaults as u64),
            escape(&rate),
            escape(&d.auroc.map_or_else(|| "n/a".to_owned(), |a| format!("{a:.3}"))),
        ));
    }
    page.push_str("</tbody>\n</table>\n");
    page.push_str(
        "<p class=\"note\">AUROC of the score for repayment over requests that were repaid or defaulted: 0.5 is chance, \
         1 a perfect ranking; n/a without both outcomes.</p>\n</section>\n",
    );
}

fn calibration_section(page: &mut String, r: &Report) {
    section(page, "calibration", "Calibration");
    page.push_str("<div class=\"row\">\n");
    page.push_str(&calibration_plot(r));
    page.push_str("<table>\n<thead><tr><th>Score bin</th><th>Requests</th><th>Predicted</th><th>Observed</th></tr></thead>\n<tbody>\n");
    for b in &r.calibration {
        page.push_str(&format!(
            "<tr><td>{}–{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            b.from,
            b.to.saturating_sub(1),
            thousands(b.requests as u64),
            escape(&percent_plain(b.predicted)),
            escape(&percent_plain(b.observed)),
        ));
    }
    if r.calibration.is_empty() {
        page.push_str("<tr><td colspan=\"4\">No request with a known outcome.</td></tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</div>\n");
    page.push_str(
        "<p class=\"note\">Requests with a known outcome grouped by score: the mean score / 1000 (what the score predicts as \
         the chance of repaying) against the share that repaid. Points on the diagonal are perfectly calibrated.</p>\n</section>\n",
    );
}

fn gas_section(page: &mut String, r: &Report) {
    section(page, "gas", "Gas per operation");
    let mut rows: Vec<_> = r.gas.iter().collect();
    rows.sort_by(|(a, x), (b, y)| y.total.cmp(&x.total).then_with(|| a.cmp(b)));
    page.push_str("<table>\n<thead><tr><th>Operation</th><th>Count</th><th>Median</th><th>Max</th><th>Total</th><th>Share</th></tr></thead>\n<tbody>\n");
    for (name, g) in rows {
        let share =
            if r.total_gas == 0 { "n/a".to_owned() } else { percent_plain(g.total as f64 / r.total_gas as f64) };
        page.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(name),
            thousands(g.count as u64),
            thousands(g.median),
            thousands(g.max),
            thousands(g.total),
            escape(&share),
        ));
    }
    if r.gas.is_empty() {
        page.push_str("<tr><td colspan=\"6\">No transaction.</td></tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn section(page: &mut String, id: &str, title: &str) {
    page.push_str(&format!("<section id=\"{}\">\n<h2>{}</h2>\n", escape(id), escape(title)));
}

// ---------------------------------------------------------------- plots

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = Result<(), Box<dyn Error>>;

/// One plot as an inline `<svg>` element; a failure becomes a line of text, never a broken page.
fn svg(draw: impl FnOnce(&Area<'_>) -> Drawn) -> String {
    let mut buf = String::new();
    let drawn = {
        let root = SVGBackend::with_string(&mut buf, PLOT).into_drawing_area();
        root.fill(&WHITE).map_err(Into::into).and_then(|()| draw(&root)).and_then(|()| Ok(root.present()?))
    };
    match drawn {
        Ok(()) => buf,
        Err(e) => format!("<p class=\"error\">The plot could not be drawn: {}</p>\n", escape(&e.to_string())),
    }
}

/// A line of the defaults plot: its legend, its colour and what it draws of each day.
type Line = (&'static str, RGBColor, fn(&DayRow) -> u64);

fn defaults_plot(days: &[DayRow]) -> String {
    let first = days.first().map_or(0, |d| d.day);
    let last = days.last().map_or(0, |d| d.day).max(first + 1);
    let series: [Line; 3] = [
        ("defaults confirmed (cumulative)", RED_, |d| d.defaults),
        ("repaid in full (cumulative)", GREEN_, |d| d.repaid),
        ("active borrowers", BLUE_, |d| d.active_borrowers as u64),
    ];
    let top = days.iter().flat_map(|d| series.map(|s| (s.2)(d))).max().unwrap_or(0);
    let top = (top + top / 10).max(5);
    let mut rotation_days = Vec::new();
    let mut rotations = 0;
    for d in days {
        if d.rotations > rotations {
            rotation_days.push(d.day);
        }
        rotations = d.rotations;
    }
    svg(|area| {
        let mut chart = ChartBuilder::on(area)
            .caption("Defaults, repayments and active borrowers by day", (FONT, 18))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(first..last, 0..top)?;
        chart
            .configure_mesh()
            .x_desc("day")
            .y_desc("loans / borrowers")
            .light_line_style(WHITE.mix(0.0))
            .y_label_formatter(&|v| thousands(*v))
            .draw()?;
        if !rotation_days.is_empty() {
            let style = GREY.mix(0.7).stroke_width(1);
            chart
                .draw_series(rotation_days.iter().map(|&d| PathElement::new(vec![(d, 0), (d, top)], style)))?
                .label("model rotation")
                .legend(move |(x, y)| PathElement::new(vec![(x + 10, y - 6), (x + 10, y + 6)], style));
        }
        for (name, color, value) in series {
            chart
                .draw_series(LineSeries::new(days.iter().map(|d| (d.day, value(d))), color.stroke_width(2)))?
                .label(name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

fn tier_label(t: &Tier) -> String {
    match t.decision {
        true => format!("the credit model's approval (a proof), {}‰ per period", t.rate_per_mil),
        false => format!("score ≥ {}, {}‰ per period", t.min_score, t.rate_per_mil),
    }
}

/// One bar per tier offered (`TIERS`, riskiest first), so the axis is the same in every report; a tier
/// with no settled loan gets a label and no bar.
fn returns_plot(returns: &[TierReturn]) -> String {
    let mut tiers: Vec<Tier> = TIERS.to_vec();
    tiers.extend(returns.iter().map(|r| r.tier).filter(|t| !TIERS.contains(t)));
    let value = |tier: &Tier| returns.iter().find(|r| r.tier == *tier).map(|r| r.realised_return);
    let finite = || returns.iter().map(|t| t.realised_return).filter(|r| r.is_finite());
    let lo = finite().fold(0.0_f64, f64::min);
    let hi = finite().fold(0.0_f64, f64::max);
    let pad = (hi - lo).max(0.05) * 0.15;
    let (lo, hi) = (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad);
    let last = tiers.len() - 1;
    let label = |v: &SegmentValue<usize>| match v {
        SegmentValue::CenterOf(i) => tiers.get(*i).map_or_else(String::new, Tier::short_label),
        _ => String::new(),
    };
    svg(|area| {
        let mut chart = ChartBuilder::on(area)
            .caption("Realised return of settled loans, by tier", (FONT, 18))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(64)
            // Segments over an inclusive range: 0..last is `tiers.len()` bars.
            .build_cartesian_2d((0..last).into_segmented(), lo..hi)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_labels(tiers.len())
            .x_label_formatter(&label)
            .y_label_formatter(&|v| axis_percent(*v))
            .x_desc("tier: minimum score (or the model's approval) · interest per mil per period")
            .y_desc("realised return")
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(SegmentValue::Exact(0), 0.0), (SegmentValue::Last, 0.0)],
            BLACK.stroke_width(1),
        )))?;
        let bars = tiers.iter().enumerate().filter_map(|(i, t)| Some((i, value(t)?))).filter(|(_, v)| v.is_finite());
        chart.draw_series(bars.map(|(i, v)| {
            let color = if v < 0.0 { RED_ } else { GREEN_ };
            let mut rect = Rectangle::new(
                [(SegmentValue::Exact(i), v), (SegmentValue::Exact(i + 1), 0.0)],
                color.mix(0.85).filled(),
            );
            rect.set_margin(0, 0, 18, 18);
            rect
        }))?;
        chart.draw_series(tiers.iter().enumerate().map(|(i, t)| {
            let (text, y, v_pos) = match value(t) {
                None => ("no settled loan".to_owned(), 0.0, VPos::Bottom),
                Some(v) if !v.is_finite() => ("n/a".to_owned(), 0.0, VPos::Bottom),
                Some(v) if v < 0.0 => (percent(v), v, VPos::Top),
                Some(v) => (percent(v), v, VPos::Bottom),
            };
            let style = TextStyle::from((FONT, 14).into_font()).pos(Pos::new(HPos::Center, v_pos));
            Text::new(text, (SegmentValue::CenterOf(i), y), style)
        }))?;
        Ok(())
    })
}

/// Share of `scores` in each [`SCORE_BIN`]-wide bin; 1000 falls in the last.
fn score_shares(scores: &[u64]) -> Vec<f64> {
    let mut counts = vec![0usize; SCORE_BINS as usize];
    for &s in scores {
        counts[(s / SCORE_BIN).min(SCORE_BINS - 1) as usize] += 1;
    }
    counts.iter().map(|&c| if scores.is_empty() { 0.0 } else { c as f64 / scores.len() as f64 }).collect()
}

fn scores_plot(defaulters: &[u64], payers: &[u64]) -> String {
    let groups = [
        (
            format!("eventual defaulters (n = {})", thousands(defaulters.len() as u64)),
            RED_,
            score_shares(defaulters),
            0,
        ),
        (format!("payers (n = {})", thousands(payers.len() as u64)), GREEN_, score_shares(payers), SCORE_BIN / 2),
    ];
    let top = groups.iter().flat_map(|g| g.2.iter().copied()).fold(0.0, f64::max);
    // The tallest bar reaches 70% of the height: the legend sits above the bars.
    let top = (top / 0.7).max(0.05);
    svg(|area| {
        let mut chart = ChartBuilder::on(area)
            .caption("Score at borrow time, by eventual outcome", (FONT, 18))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0..1000u64, 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_labels(11)
            .y_label_formatter(&|v| axis_percent(*v))
            .x_desc("score (thousandths)")
            .y_desc("share of group")
            .draw()?;
        for (name, color, shares, offset) in groups {
            let style = color.mix(0.85).filled();
            chart
                .draw_series(shares.iter().enumerate().filter(|(_, s)| **s > 0.0).map(|(b, &s)| {
                    let from = b as u64 * SCORE_BIN + offset;
                    let mut rect = Rectangle::new([(from, s), (from + SCORE_BIN / 2, 0.0)], style);
                    rect.set_margin(0, 0, 1, 1);
                    rect
                }))?
                .label(name)
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], style));
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

fn calibration_plot(r: &Report) -> String {
    svg(|area| {
        let mut chart = ChartBuilder::on(area)
            .caption("Calibration: predicted vs observed repayment", (FONT, 18))
            .margin(14)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..1.0, 0.0..1.05)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_label_formatter(&|v| axis_percent(*v))
            .y_label_formatter(&|v| axis_percent(*v))
            .x_desc("predicted: mean score / 1000")
            .y_desc("observed: share repaid")
            .draw()?;
        chart
            .draw_series(DashedLineSeries::new(vec![(0.0, 0.0), (1.0, 1.0)], 6, 5, GREY.stroke_width(1)))?
            .label("perfectly calibrated (y = x)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], GREY.stroke_width(1)));
        let font = (FONT, 13).into_font();
        chart
            .draw_series(r.calibration.iter().map(|b| {
                EmptyElement::at((b.predicted, b.observed))
                    + Circle::new((0, 0), 5, BLUE_.filled())
                    + Text::new(format!("n = {}", thousands(b.requests as u64)), (7, -16), font.clone())
            }))?
            .label("score bin (n: requests)")
            .legend(|(x, y)| Circle::new((x + 10, y), 5, BLUE_.filled()));
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

fn legend<'a, 'b: 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, SVGBackend<'b>, Cartesian2d<X, Y>>,
    at: SeriesLabelPosition,
) -> Drawn {
    chart
        .configure_series_labels()
        .position(at)
        .label_font((FONT, 13))
        .background_style(WHITE.mix(0.85))
        .border_style(GREY)
        .draw()?;
    Ok(())
}

// ---------------------------------------------------------------- text

/// `s` safe as HTML text or a quoted attribute value.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A return as a signed percentage, `+4.2%` / `-12.0%`.
fn percent(v: f64) -> String {
    if v.is_finite() { format!("{:+.1}%", v * 100.0) } else { "n/a".to_owned() }
}

/// An axis tick as a whole percentage, never `-0%`.
fn axis_percent(v: f64) -> String {
    let p = (v * 100.0).round();
    format!("{}%", if p == 0.0 { 0.0 } else { p })
}

/// A share as a percentage, `42.0%`.
fn percent_plain(v: f64) -> String {
    if v.is_finite() { format!("{:.1}%", v * 100.0) } else { "n/a".to_owned() }
}

/// Ether with thousands separators and three decimals.
fn ether(v: f64) -> String {
    if !v.is_finite() || v < 0.0 {
        return "n/a".to_owned();
    }
    let milli = (v * 1000.0).round() as u64;
    format!("{}.{:03} ETH", thousands(milli / 1000), milli % 1000)
}

fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "n/a".to_owned();
    }
    if seconds < 60.0 {
        return format!("{seconds:.1} s");
    }
    let whole = seconds.round() as u64;
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    if h > 0 { format!("{h} h {m:02} min {s:02} s") } else { format!("{m} min {s:02} s") }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::U256;

    use super::*;
    use crate::SimConfig;
    use crate::agents::Kind;
    use crate::report::{BorrowRecord, Tally};

    const CONFIG: SimConfig = SimConfig { borrowers: 40, lenders: 6, days: 12, seed: 7 };
    const TITLES: [&str; 6] = [
        "Defaults over time",
        "Lenders&#39; realised return by score band",
        "Score distribution: eventual defaulters vs payers",
        "Discrimination",
        "Calibration",
        "Gas per operation",
    ];

    fn tally() -> Tally {
        let mut t = Tally::default();
        for day in 1..=10u32 {
            t.days.push(DayRow {
                day,
                registered: 4 * day as usize,
                active_borrowers: (day as usize * 3) % 11,
                loans: day as usize,
                defaults: u64::from(day / 3),
                repaid: u64::from(day),
                rotations: u64::from(day / 4),
                gas: u64::from(day) * 1_000_000,
            });
        }
        for i in 0..30u64 {
            let outcome = match i % 5 {
                0 => Outcome::Defaulted,
                4 => Outcome::Open,
                _ => Outcome::Repaid,
            };
            t.borrows.push(BorrowRecord {
                day: (i % 10) as u32 + 1,
                kind: if outcome == Outcome::Defaulted { Kind::Strategic } else { Kind::Honest },
                reliability: 0.5,
                fico: 600,
                tier: (i % 4) as usize,
                score: if i < 10 { 300 + i * 50 } else { 200 + i * 25 },
                rotations_before: u64::from(i >= 15),
                amount_milli: 1_500,
                outcome,
            });
        }
        t.gas("borrow", 210_000);
        t.gas("borrow", 190_000);
        t.gas("invest", 90_000);
        t.gas("<script>alert(1)</script>", 5);
        t.transactions = 4;
        t.rotations = 2;
        t.defaults = 3;
        t.repaid = 10;
        let ether = |v: u64| U256::from(v) * U256::from(10u64).pow(U256::from(15u64));
        t.lent(0, ether(10_000), ether(7_500));
        t.lent(2, ether(20_000), ether(21_234));
        t
    }

    fn outside_refs(page: &str) -> usize {
        let page = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        page.matches("http://").count() + page.matches("https://").count()
    }

    fn check_document(page: &str) {
        assert!(page.starts_with("<!DOCTYPE html>\n<html"), "{}", &page[..80]);
        assert!(page.ends_with("</body>\n</html>\n"));
        for tag in ["<html", "</html>", "<head>", "<body>", "</body>", "<style>"] {
            assert_eq!(page.matches(tag).count(), 1, "{tag}");
        }
        assert_eq!(page.matches("<svg").count(), 4);
        assert_eq!(page.matches("</svg>").count(), 4);
        assert!(!page.contains("class=\"error\""), "a plot failed to draw");
        for title in TITLES {
            assert!(page.contains(&format!("<h2>{title}</h2>")), "{title}");
        }
        assert_eq!(outside_refs(page), 0);
        for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import"] {
            assert!(!page.contains(forbidden), "{forbidden}");
        }
    }

    #[test]
    fn html_full_report_is_one_self_contained_document() {
        let page = render(&Report::new(CONFIG, tally(), 3.5));
        check_document(&page);
        assert!(!page.contains("PARTIAL"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("model rotation"));
        assert!(page.contains("≥650 · 14‰"), "bars labelled with their tier");
        assert!(page.contains("-25.0%") && page.contains("+6.2%"), "returns as percentages");
        assert!(page.contains("10.000 ETH") && page.contains("21.234 ETH"));
        assert!(page.contains("3.5 s"));
    }

    #[test]
    fn html_gas_sorted_by_total_with_separators() {
        let page = render(&Report::new(CONFIG, tally(), 0.0));
        let at = |s: &str| page.find(&format!("<td>{s}</td>")).unwrap_or_else(|| panic!("{s}"));
        assert!(at("borrow") < at("invest") && at("invest") < at("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("<td>400,000</td>"), "borrow's total");
        assert!(page.contains("<td>490,005</td>"), "total gas");
    }

    #[test]
    fn html_partial_banner_only_when_partial() {
        let mut t = tally();
        t.interrupted = true;
        let page = render(&Report::new(CONFIG, t, 1.0));
        check_document(&page);
        assert!(page.contains("PARTIAL: interrupted after 10 of 12 days"));
        assert!(!render(&Report::new(CONFIG, tally(), 1.0)).contains("PARTIAL"));
    }

    #[test]
    fn html_empty_report_renders() {
        let page = render(&Report::new(CONFIG, Tally::default(), 0.0));
        check_document(&page);
        assert!(page.contains("n/a"));
        assert!(page.contains("No loan settled."));
        assert!(page.contains("No transaction."));
        assert!(!page.contains("model rotation"));
        for tier in TIERS {
            assert!(page.contains(&tier.short_label()), "every tier on the axis");
        }
        assert!(page.contains("model · 16‰"));
    }

    #[test]
    fn html_same_report_same_page() {
        let report = Report::new(CONFIG, tally(), 2.0);
        assert_eq!(render(&report), render(&report));
    }

    #[test]
    fn html_number_formats() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(percent(0.042), "+4.2%");
        assert_eq!(percent(-0.12), "-12.0%");
        assert_eq!(percent(f64::NAN), "n/a");
        assert_eq!(axis_percent(-0.001), "0%");
        assert_eq!(axis_percent(-0.25), "-25%");
        assert_eq!(ether(1234.5), "1,234.500 ETH");
        assert_eq!(duration(59.94), "59.9 s");
        assert_eq!(duration(3_725.0), "1 h 02 min 05 s");
        assert_eq!(escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    }

    #[test]
    fn html_score_bins_cover_the_whole_range() {
        let shares = score_shares(&[0, 49, 50, 999, 1000, 2000]);
        assert_eq!(shares.len(), 20);
        assert!((shares[0] - 2.0 / 6.0).abs() < 1e-12);
        assert!((shares[1] - 1.0 / 6.0).abs() < 1e-12);
        assert!((shares[19] - 3.0 / 6.0).abs() < 1e-12);
        assert!(score_shares(&[]).iter().all(|&s| s == 0.0));
    }
}
