//! The summaries' charts, drawn by the server as SVG with plotters' SVG
//! backend: readable without JavaScript, printable, the same numbers as
//! the tables beside them. Labels come from the page's catalogue. Nothing
//! here reads the store: each chart takes a summary's own struct.

use plotters::prelude::*;

use super::Tr;
use crate::domain::time::WEEKDAYS;
use crate::summary::{Hours, WaitTimes};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 280;
const FONT: &str = "sans-serif";

/// One series of bars: its label, colour and a value per slot.
struct Bars<'a> {
    label: String,
    colour: RGBColor,
    values: &'a [f64],
}

/// Overlaid bars (each series narrower than the one before) over the
/// `slots` of the x axis; the SVG text, or an empty string if drawing failed.
fn bars(title: &str, y_desc: &str, slots: &[String], series: &[Bars<'_>]) -> String {
    let mut svg = String::new();
    let drawn = (|| -> Result<(), Box<dyn std::error::Error + '_>> {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        // Headroom above the tallest bar for the legend in the upper right
        // (it takes about the top quarter): no bar runs under it.
        let top = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0_f64, f64::max).max(1.0) * 1.45;
        let n = slots.len() as u32;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, (FONT, 16))
            .margin(8)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d((0..n).into_segmented(), 0.0..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .y_labels(6)
            .y_label_formatter(&|v| if top < 10.0 { format!("{v:.1}") } else { format!("{v:.0}") })
            .y_desc(y_desc)
            .x_labels(slots.len())
            .x_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    slots.get(*i as usize).cloned().unwrap_or_default()
                }
                SegmentValue::Last => String::new(),
            })
            .label_style((FONT, 11))
            .draw()?;
        for (k, s) in series.iter().enumerate() {
            let inset = 1 + 3 * k as u32;
            let colour = s.colour;
            chart
                .draw_series(
                    Histogram::vertical(&chart)
                        .style(colour.filled())
                        .margin(inset)
                        .data(s.values.iter().enumerate().map(|(i, v)| (i as u32, *v))),
                )?
                .label(s.label.clone())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font((FONT, 12))
            .draw()?;
        root.present()?;
        Ok(())
    })();
    if let Err(e) = drawn {
        tracing::warn!(error = %e, "a chart could not be drawn");
        return String::new();
    }
    svg
}

const GREY: RGBColor = RGBColor(200, 205, 214);
const BLUE_: RGBColor = RGBColor(52, 101, 164);
const GREEN_: RGBColor = RGBColor(46, 139, 87);
const AMBER: RGBColor = RGBColor(230, 160, 60);

/// Calls, operator reached and activated by local hour.
pub fn hours(t: &Tr, h: &Hours) -> String {
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
        &t.s("chart.hours"),
        &t.s("chart.calls"),
        &slots,
        &[
            Bars { label: t.s("chart.calls"), colour: GREY, values: &calls },
            Bars { label: t.s("chart.reached"), colour: BLUE_, values: &reached },
            Bars { label: t.s("chart.activated"), colour: GREEN_, values: &activated },
        ],
    )
}

/// Queue wait p90 and p50 (minutes) by local hour.
pub fn wait_by_hour(t: &Tr, w: &WaitTimes) -> String {
    let slots: Vec<String> = (0..24).map(|h| h.to_string()).collect();
    let mut p50 = vec![0.0; 24];
    let mut p90 = vec![0.0; 24];
    for row in &w.by_hour {
        let i = row.hour as usize % 24;
        p50[i] = row.p50.unwrap_or(0) as f64 / 60.0;
        p90[i] = row.p90.unwrap_or(0) as f64 / 60.0;
    }
    bars(
        &t.s("chart.wait_hour"),
        &t.s("chart.minutes"),
        &slots,
        &[
            Bars { label: "p90".into(), colour: AMBER, values: &p90 },
            Bars { label: "p50".into(), colour: BLUE_, values: &p50 },
        ],
    )
}

/// Queue wait p90 and p50 (minutes) by weekday.
pub fn wait_by_weekday(t: &Tr, w: &WaitTimes) -> String {
    let slots: Vec<String> = WEEKDAYS.iter().map(|d| t.s(&format!("weekday.{d}"))).collect();
    let of = |d: &str, p: fn(&crate::summary::WaitByWeekday) -> Option<i64>| {
        w.by_weekday.iter().find(|r| r.weekday == d).and_then(p).unwrap_or(0) as f64 / 60.0
    };
    let p50: Vec<f64> = WEEKDAYS.iter().map(|d| of(d, |r| r.p50)).collect();
    let p90: Vec<f64> = WEEKDAYS.iter().map(|d| of(d, |r| r.p90)).collect();
    bars(
        &t.s("chart.wait_weekday"),
        &t.s("chart.minutes"),
        &slots,
        &[
            Bars { label: "p90".into(), colour: AMBER, values: &p90 },
            Bars { label: "p50".into(), colour: BLUE_, values: &p50 },
        ],
    )
}

/// Retried cases by days from the first call to activation.
pub fn retries(t: &Tr, days: &[(String, f64)]) -> String {
    let none = [(t.f("chart.days", &[("n", "1")]), 0.0)];
    let days = if days.is_empty() { &none[..] } else { days };
    let slots: Vec<String> = days.iter().map(|(d, _)| d.clone()).collect();
    let values: Vec<f64> = days.iter().map(|(_, n)| *n).collect();
    bars(
        &t.s("chart.retries"),
        &t.s("chart.cases"),
        &slots,
        &[Bars { label: t.s("chart.cases"), colour: BLUE_, values: &values }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::Lang;

    #[test]
    fn charts_of_an_empty_journal_are_drawn() {
        let t = Tr(Lang::Ja);
        let waits =
            WaitTimes { count: 0, min: None, p50: None, p90: None, max: None, by_hour: vec![], by_weekday: vec![] };
        for svg in [
            hours(&t, &Hours { hours: vec![], best_hours: vec![] }),
            wait_by_hour(&t, &waits),
            wait_by_weekday(&t, &waits),
            retries(&t, &[]),
        ] {
            assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{svg}");
        }
        assert!(wait_by_weekday(&t, &waits).contains("土"), "weekday labels from the catalogue");
    }
}
