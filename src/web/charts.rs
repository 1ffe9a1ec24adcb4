//! The summaries' charts, drawn by the server as SVG with plotters' SVG
//! backend: readable without JavaScript, printable, the same numbers as
//! the tables the page puts beside them. Labels come from the page's
//! catalogue. Nothing here reads the store: each chart takes a summary's
//! own struct.
//!
//! Each chart is made to be read on a phone: its count axis steps by whole
//! numbers (no half calls), its series stand side by side (none hides
//! another), its text is at least [`MIN_RENDERED_PX`] high when the page is
//! 390 px wide, and the SVG carries an accessible name (`role="img"`, a
//! `<title>` and a `<desc>` pointing to the table of its figures). The
//! legend is HTML, in the figure's caption, so it wraps and scales with the
//! page's text.

use plotters::prelude::*;

use super::Tr;
use crate::domain::time::WEEKDAYS;
use crate::summary::{Hours, WaitTimes};

/// The SVG's own width; it is shown at this width or narrower, never wider.
pub const WIDTH: u32 = 480;
const HEIGHT: u32 = 260;
/// The width a chart is shown at on a 390 px wide screen (the page's
/// padding taken off).
pub const SHOWN_AT_390: u32 = 374;
/// The smallest text height a chart may have as shown on that screen.
pub const MIN_RENDERED_PX: f64 = 11.0;
/// The text size asked of plotters, which writes it as 0.8 of that (16 in
/// the SVG's units): shown at 374/480, 12.5 px.
const FONT_SIZE: u32 = 20;
const FONT: &str = "sans-serif";
/// At most this many labels under the x axis (at 16 px, more would touch).
const MOST_X_LABELS: usize = 8;
/// At most this many steps up the count axis.
const MOST_Y_STEPS: u32 = 5;

/// A chart ready for the page: its caption, legend and SVG.
pub struct Chart {
    /// The figure's caption and the SVG's `<title>`.
    pub title: String,
    /// What each colour stands for (none for a single series).
    pub legend: Vec<Swatch>,
    /// The `<svg>`, or an empty string if drawing failed.
    pub svg: String,
}

impl Chart {
    /// The chart for a `<figure class="chart">`: its caption (the title
    /// and, for more than one series, the legend), then the SVG.
    pub fn html(&self) -> String {
        let mut html = format!("<figcaption>{}", xml(&self.title));
        if !self.legend.is_empty() {
            html.push_str("<ul class=\"legend\">");
            for s in &self.legend {
                html.push_str(&format!("<li><span class=\"swatch {}\"></span>{}</li>", s.class, xml(&s.label)));
            }
            html.push_str("</ul>");
        }
        html.push_str("</figcaption>\n");
        html.push_str(&self.svg);
        html
    }
}

/// One entry of a chart's legend.
pub struct Swatch {
    /// The series' name.
    pub label: String,
    /// The CSS class that paints its swatch (`sw-grey`, …), as its bars.
    pub class: &'static str,
}

/// A series' colour: its fill in the SVG and its swatch's class in the page.
#[derive(Clone, Copy)]
struct Colour {
    rgb: RGBColor,
    class: &'static str,
}

// Each at least 3:1 against white (WCAG's non-text contrast); the CSS
// classes of the same names paint the legend's swatches.
const GREY: Colour = Colour { rgb: RGBColor(110, 119, 133), class: "sw-grey" };
const BLUE: Colour = Colour { rgb: RGBColor(52, 101, 164), class: "sw-blue" };
const GREEN: Colour = Colour { rgb: RGBColor(36, 122, 74), class: "sw-green" };
const AMBER: Colour = Colour { rgb: RGBColor(181, 98, 10), class: "sw-amber" };

/// One series of bars: its label, colour and a value per slot.
struct Bars<'a> {
    label: String,
    colour: Colour,
    values: &'a [f64],
}

/// The ticks of a count axis from 0: whole numbers stepping by 1, 2 or 5
/// × 10ⁿ, at most `most` steps, the last at or above `max`.
pub fn ticks(max: f64, most: u32) -> Vec<f64> {
    let most = f64::from(most.max(1));
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let mut scale = 1.0_f64;
    let step = loop {
        if let Some(s) = [1.0, 2.0, 5.0].into_iter().map(|m| m * scale).find(|s| (max / s).ceil() <= most) {
            break s;
        }
        scale *= 10.0;
    };
    let steps = (max / step).ceil().max(1.0) as u32;
    (0..=steps).map(|i| f64::from(i) * step).collect()
}

/// Which of `n` slots get a label under the x axis: every one when they
/// fit, else every second, third… starting with the first.
fn labelled(n: usize) -> impl Iterator<Item = usize> {
    let every = n.div_ceil(MOST_X_LABELS).max(1);
    (0..n).step_by(every)
}

/// Escape text for an SVG or HTML element or attribute.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Grouped bars (the series side by side in each slot) over the `slots` of
/// the x axis, with an accessible name; the figures themselves are in the
/// page's table beside the chart.
fn bars(t: &Tr, id: &str, title: String, slots: &[String], series: &[Bars<'_>]) -> Chart {
    let legend = if series.len() > 1 {
        series.iter().map(|s| Swatch { label: s.label.clone(), class: s.colour.class }).collect()
    } else {
        Vec::new()
    };
    let mut svg = String::new();
    let drawn = draw(&mut svg, slots, series);
    if let Err(e) = drawn {
        tracing::warn!(error = %e, "a chart could not be drawn");
        return Chart { title, legend, svg: String::new() };
    }
    let desc = t.s("chart.figures_below");
    let svg = named(&svg, id, &title, &desc);
    Chart { title, legend, svg }
}

/// Hundredths of a slot or of a y unit: plotters' whole-number coordinates
/// take the ticks given and format them as asked.
const UNIT: f64 = 100.0;

fn scaled(v: f64) -> i32 {
    (v * UNIT).round() as i32
}

/// Draw the bars into `svg`.
fn draw(svg: &mut String, slots: &[String], series: &[Bars<'_>]) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let max = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0_f64, f64::max);
    let y_ticks: Vec<i32> = ticks(max, MOST_Y_STEPS).into_iter().map(scaled).collect();
    let top = y_ticks.last().copied().unwrap_or(100);
    let n = slots.len().max(1);
    let x_ticks: Vec<i32> = labelled(n).map(|i| scaled(i as f64 + 0.5)).collect();
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .margin_top(16)
        .margin_right(12)
        .x_label_area_size(FONT_SIZE + 8)
        .y_label_area_size(FONT_SIZE * 2)
        .build_cartesian_2d((0..scaled(n as f64)).with_key_points(x_ticks), (0..top).with_key_points(y_ticks))?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(BLACK.mix(0.12))
        .axis_style(BLACK.mix(0.6))
        .y_label_formatter(&|v| format!("{}", f64::from(*v) / UNIT))
        .x_label_formatter(&|v| {
            let slot = ((f64::from(*v) / UNIT) - 0.5).round().max(0.0) as usize;
            slots.get(slot).cloned().unwrap_or_default()
        })
        .label_style((FONT, FONT_SIZE))
        .draw()?;
    // Each slot is 1 wide: a gap of 0.15 either side, the rest shared.
    let width = 0.7 / series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let colour = s.colour.rgb;
        chart.draw_series(s.values.iter().enumerate().filter(|(_, v)| **v > 0.0).map(|(i, v)| {
            let x0 = i as f64 + 0.15 + width * k as f64;
            Rectangle::new([(scaled(x0), 0), (scaled(x0 + width), scaled(*v))], colour.filled())
        }))?;
    }
    root.present()?;
    Ok(())
}

/// The SVG with `role="img"`, a `<title>` and a `<desc>` naming it, and no
/// fixed height (the page scales it to its width).
fn named(svg: &str, id: &str, title: &str, desc: &str) -> String {
    let Some(open_end) = svg.find('>') else { return svg.to_string() };
    let (open, rest) = svg.split_at(open_end);
    let open = open.replacen("<svg", &format!(r#"<svg role="img" aria-labelledby="{id}-title {id}-desc""#), 1);
    format!(
        r#"{open}><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>{}"#,
        xml(title),
        xml(desc),
        &rest[1..]
    )
}

/// Calls, operator reached and activated by local hour.
pub fn hours(t: &Tr, h: &Hours) -> Chart {
    let slots: Vec<String> = (0..24).map(|h| h.to_string()).collect();
    let mut calls = vec![0.0; 24];
    let mut reached = vec![0.0; 24];
    let mut activated = vec![0.0; 24];
    for row in &h.hours {
        let i = row.hour as usize % 24;
        calls[i] = row.attempts as f64;
        reached[i] = row.operator_reached as f64;
        activated[i] = row.activated as f64;
    }
    bars(
        t,
        "chart-hours",
        t.s("chart.hours"),
        &slots,
        &[
            Bars { label: t.s("chart.calls"), colour: GREY, values: &calls },
            Bars { label: t.s("chart.reached"), colour: BLUE, values: &reached },
            Bars { label: t.s("chart.activated"), colour: GREEN, values: &activated },
        ],
    )
}

/// Whole minutes are enough on the axis; the bars keep the seconds.
fn minutes(seconds: Option<i64>) -> f64 {
    seconds.unwrap_or(0) as f64 / 60.0
}

/// Queue wait median and 90th percentile (minutes) by local hour.
pub fn wait_by_hour(t: &Tr, w: &WaitTimes) -> Chart {
    let slots: Vec<String> = (0..24).map(|h| h.to_string()).collect();
    let mut p50 = vec![0.0; 24];
    let mut p90 = vec![0.0; 24];
    for row in &w.by_hour {
        let i = row.hour as usize % 24;
        p50[i] = minutes(row.p50);
        p90[i] = minutes(row.p90);
    }
    bars(
        t,
        "chart-wait-hour",
        t.s("chart.wait_hour"),
        &slots,
        &[
            Bars { label: t.s("chart.p50"), colour: BLUE, values: &p50 },
            Bars { label: t.s("chart.p90"), colour: AMBER, values: &p90 },
        ],
    )
}

/// Queue wait median and 90th percentile (minutes) by weekday.
pub fn wait_by_weekday(t: &Tr, w: &WaitTimes) -> Chart {
    let slots: Vec<String> = WEEKDAYS.iter().map(|d| t.s(&format!("weekday.{d}"))).collect();
    let of = |d: &str, p: fn(&crate::summary::WaitByWeekday) -> Option<i64>| {
        minutes(w.by_weekday.iter().find(|r| r.weekday == d).and_then(p))
    };
    let p50: Vec<f64> = WEEKDAYS.iter().map(|d| of(d, |r| r.p50)).collect();
    let p90: Vec<f64> = WEEKDAYS.iter().map(|d| of(d, |r| r.p90)).collect();
    bars(
        t,
        "chart-wait-weekday",
        t.s("chart.wait_weekday"),
        &slots,
        &[
            Bars { label: t.s("chart.p50"), colour: BLUE, values: &p50 },
            Bars { label: t.s("chart.p90"), colour: AMBER, values: &p90 },
        ],
    )
}

/// Retried cases by days from the first call to activation.
pub fn retries(t: &Tr, days: &[(String, f64)]) -> Chart {
    let none = [(t.f("chart.days", &[("n", "1")]), 0.0)];
    let days = if days.is_empty() { &none[..] } else { days };
    let slots: Vec<String> = days.iter().map(|(d, _)| d.clone()).collect();
    let values: Vec<f64> = days.iter().map(|(_, n)| *n).collect();
    bars(
        t,
        "chart-retries",
        t.s("chart.retries"),
        &slots,
        &[Bars { label: t.s("chart.cases"), colour: BLUE, values: &values }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{HourRow, WaitByHour};
    use crate::web::Lang;

    fn empty_waits() -> WaitTimes {
        WaitTimes { count: 0, min: None, p50: None, p90: None, max: None, by_hour: vec![], by_weekday: vec![] }
    }

    fn hour(hour: u32, attempts: i64, reached: i64, activated: i64) -> HourRow {
        HourRow { hour, attempts, operator_reached: reached, operator_unavailable: 0, activated, success_rate: None }
    }

    /// The text of every `<text>` element of an SVG.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
            .collect()
    }

    /// Every `font-size` of an SVG, in its own units.
    fn font_sizes(svg: &str) -> Vec<f64> {
        svg.split("font-size=\"")
            .skip(1)
            .filter_map(|s| s.split_once('"')?.0.trim_end_matches("px").parse().ok())
            .collect()
    }

    fn all_charts(t: &Tr) -> Vec<Chart> {
        let hours = Hours { hours: vec![hour(10, 3, 2, 1), hour(19, 1, 0, 0)], best_hours: vec![10] };
        let mut waits = empty_waits();
        waits.by_hour = vec![WaitByHour { hour: 10, count: 2, p50: Some(90), p90: Some(200) }];
        vec![
            super::hours(t, &hours),
            wait_by_hour(t, &waits),
            wait_by_weekday(t, &waits),
            retries(t, &[("1 d".into(), 1.0), ("2 d".into(), 3.0)]),
        ]
    }

    #[test]
    fn count_axes_step_by_whole_numbers() {
        assert_eq!(ticks(0.0, 5), [0.0, 1.0]);
        assert_eq!(ticks(1.0, 5), [0.0, 1.0]);
        assert_eq!(ticks(3.0, 5), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(2.5, 5), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(ticks(7.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0]);
        assert_eq!(ticks(23.0, 5), [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]);
        assert_eq!(ticks(140.0, 5), [0.0, 50.0, 100.0, 150.0]);
        assert_eq!(ticks(f64::NAN, 5), [0.0, 1.0]);
        for max in [0.2, 1.0, 2.0, 3.0, 4.0, 9.0, 11.0, 99.0, 1234.0] {
            let ts = ticks(max, 5);
            assert!(ts.iter().all(|t| t.fract() == 0.0), "{max}: {ts:?}");
            assert!(ts.len() <= 6 && *ts.last().unwrap() >= max, "{max}: {ts:?}");
        }
    }

    #[test]
    fn axis_labels_of_small_counts_are_whole_numbers() {
        let t = Tr(Lang::En);
        let chart = &all_charts(&t)[0];
        let labels = texts(&chart.svg);
        for n in ["0", "1", "2", "3"] {
            assert!(labels.iter().any(|l| l == n), "{n} in {labels:?}");
        }
        assert!(!labels.iter().any(|l| l.contains('.')), "no half calls: {labels:?}");
    }

    #[test]
    fn text_is_at_least_11_px_on_a_390_px_screen() {
        for lang in [Lang::En, Lang::Ja] {
            for chart in all_charts(&Tr(lang)) {
                let sizes = font_sizes(&chart.svg);
                assert!(!sizes.is_empty(), "{}", chart.svg);
                for size in sizes {
                    let shown = size * f64::from(SHOWN_AT_390) / f64::from(WIDTH);
                    assert!(shown >= MIN_RENDERED_PX, "{}: {size} is shown at {shown:.1} px", chart.title);
                }
            }
        }
    }

    #[test]
    fn each_chart_has_an_accessible_name_and_points_to_its_figures() {
        let t = Tr(Lang::Ja);
        for chart in all_charts(&t) {
            let svg = &chart.svg;
            assert!(svg.starts_with("<svg role=\"img\" aria-labelledby=\""), "{svg}");
            assert!(svg.contains(&format!(">{}</title>", chart.title)), "{svg}");
            assert!(svg.contains(&format!(">{}</desc>", t.s("chart.figures_below"))), "{svg}");
        }
    }

    #[test]
    fn series_stand_side_by_side() {
        let t = Tr(Lang::En);
        let chart = &all_charts(&t)[0];
        // Three series at 10:00: three bars, none inside another.
        let rects: Vec<(f64, f64)> = chart
            .svg
            .split("<rect")
            .skip(1)
            .filter_map(|r| {
                let num = |k: &str| r.split_once(&format!(" {k}=\""))?.1.split_once('"')?.0.parse::<f64>().ok();
                Some((num("x")?, num("x")? + num("width")?))
            })
            .filter(|(x0, x1)| x1 - x0 < 100.0)
            .collect();
        assert_eq!(rects.len(), 4, "{rects:?}");
        for (i, a) in rects.iter().enumerate() {
            for b in &rects[i + 1..] {
                assert!(a.1 <= b.0 || b.1 <= a.0, "{a:?} overlaps {b:?}");
            }
        }
        assert_eq!(chart.legend.len(), 3);
    }

    #[test]
    fn charts_of_an_empty_journal_are_drawn() {
        let t = Tr(Lang::Ja);
        let waits = empty_waits();
        for chart in [
            hours(&t, &Hours { hours: vec![], best_hours: vec![] }),
            wait_by_hour(&t, &waits),
            wait_by_weekday(&t, &waits),
            retries(&t, &[]),
        ] {
            assert!(chart.svg.starts_with("<svg") && chart.svg.contains("</svg>"), "{}", chart.svg);
        }
        assert!(wait_by_weekday(&t, &waits).svg.contains("土"), "weekday labels from the catalogue");
    }
}
