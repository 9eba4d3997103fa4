//! Charts for the lead's dashboard, drawn as inline SVG in rsx by pure functions: plain
//! values in, an element out (no store, no signals), so they render the same in the window,
//! the browser and a test's server-side render, and need no chart library, no network and
//! no canvas. The renderer escapes every label and number, as everywhere else in the UI.
//! Every chart is an `<svg role="img">` with a `<title>` and a `<desc>` for screen readers,
//! and every bar and point carries its number as text. Colours come from the style sheet
//! (`.chart-*` classes), so the charts follow the dark and light themes.

use dioxus::prelude::*;

/// The drawing's width in SVG units; it scales to the container's width.
pub const CHART_WIDTH: u32 = 320;
/// Where bars start (labels sit above them) and their longest length.
const BAR_X: u32 = 0;
const BAR_MAX: u32 = 300;
const ROW_HEIGHT: u32 = 34;
const BAR_HEIGHT: u32 = 12;

/// One horizontal bar: `value` out of `total` (the track) when there is a total.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: u64,
    /// Drawn as a track behind the bar ("12 of 40 doors").
    pub total: Option<u64>,
    /// The number shown at the end of the row ("12 / 40", "35%").
    pub text: String,
    /// An extra CSS class for the bar (e.g. a support level, a flagged volunteer).
    pub class: &'static str,
}

/// One point of a line over time.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Shown under the axis when `tick` (e.g. "18:00", "Jan 14").
    pub label: String,
    pub value: u64,
    pub tick: bool,
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

/// The length of a bar for `value` on a scale whose longest bar is `scale`.
pub fn bar_length(value: u64, scale: u64) -> u32 {
    if scale == 0 {
        return 0;
    }
    let len = (value.min(scale) as f64 / scale as f64 * f64::from(BAR_MAX)).round();
    len as u32
}

/// Horizontal bars, one row each: the label above, the bar (over its track when it has a
/// total), the number at the right. All rows share one scale: the largest total or value.
/// `id` makes the title's id unique on the page.
pub fn bar_chart(id: &str, title: &str, description: &str, bars: &[Bar]) -> Element {
    let scale = bars
        .iter()
        .map(|b| b.total.unwrap_or(0).max(b.value))
        .max()
        .unwrap_or(0);
    let height = (bars.len() as u32).max(1) * ROW_HEIGHT + 4;
    rsx! {
        svg {
            class: "chart chart-bars",
            role: "img",
            "aria-labelledby": "{id}-title {id}-desc",
            view_box: "0 0 {CHART_WIDTH} {height}",
            width: "100%",
            preserve_aspect_ratio: "xMinYMin meet",
            title { id: "{id}-title", "{title}" }
            desc { id: "{id}-desc", "{description}" }
            for (i , bar) in bars.iter().enumerate() {
                BarRow { key: "{i}", bar: bar.clone(), y: i as u32 * ROW_HEIGHT, scale }
            }
        }
    }
}

#[component]
fn BarRow(bar: Bar, y: u32, scale: u64) -> Element {
    let label = clip(&bar.label, 28);
    let text_y = y + 13;
    let bar_y = y + 18;
    let track = bar.total.map(|total| bar_length(total, scale));
    let length = bar_length(bar.value, scale);
    let class = if bar.class.is_empty() {
        "chart-bar".to_owned()
    } else {
        format!("chart-bar {}", bar.class)
    };
    rsx! {
        g { class: "chart-row",
            title { "{bar.label}: {bar.text}" }
            text { class: "chart-label", x: "{BAR_X}", y: "{text_y}", "{label}" }
            text {
                class: "chart-value",
                x: "{CHART_WIDTH}",
                y: "{text_y}",
                text_anchor: "end",
                "{bar.text}"
            }
            if let Some(track) = track {
                rect {
                    class: "chart-track",
                    x: "{BAR_X}",
                    y: "{bar_y}",
                    width: "{track}",
                    height: "{BAR_HEIGHT}",
                    rx: "3",
                }
            }
            rect {
                class: "{class}",
                x: "{BAR_X}",
                y: "{bar_y}",
                width: "{length}",
                height: "{BAR_HEIGHT}",
                rx: "3",
                "data-value": "{bar.value}",
            }
        }
    }
}

const LINE_HEIGHT: u32 = 150;
const LINE_LEFT: u32 = 34;
const LINE_TOP: u32 = 18;
const LINE_BOTTOM: u32 = 126;

/// Where each point of a line sits, and whether its number is shown.
struct Plotted {
    /// The point's centre, and where its number goes, as SVG coordinates (one decimal).
    cx: String,
    cy: String,
    above: String,
    /// The number is written over the point: every point when there are at most 14, else
    /// the nonzero peaks.
    labelled: bool,
}

fn plot(points: &[Point]) -> Vec<Plotted> {
    let max = points.iter().map(|p| p.value).max().unwrap_or(0);
    let n = points.len();
    let span = f64::from(CHART_WIDTH - LINE_LEFT - 10);
    let x_of = |i: usize| -> f64 {
        if n <= 1 {
            f64::from(LINE_LEFT) + span / 2.0
        } else {
            f64::from(LINE_LEFT) + span * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |v: u64| -> f64 {
        let h = f64::from(LINE_BOTTOM - LINE_TOP);
        if max == 0 {
            f64::from(LINE_BOTTOM)
        } else {
            f64::from(LINE_BOTTOM) - h * v as f64 / max as f64
        }
    };
    points
        .iter()
        .enumerate()
        .map(|(i, p)| Plotted {
            cx: format!("{:.1}", x_of(i)),
            cy: format!("{:.1}", y_of(p.value)),
            above: format!("{:.1}", y_of(p.value) - 6.0),
            labelled: p.value > 0
                && (n <= 14
                    || (p.value == max)
                    || (i > 0
                        && i + 1 < n
                        && p.value > points[i - 1].value
                        && p.value >= points[i + 1].value)),
        })
        .collect()
}

/// A line over time: points evenly spaced left to right, the axis from 0 to the largest
/// value (both labelled), each point's number as text (every point when there are at most
/// 14, else the nonzero peaks), and tick labels under the axis.
pub fn line_chart(id: &str, title: &str, description: &str, points: &[Point]) -> Element {
    let max = points.iter().map(|p| p.value).max().unwrap_or(0);
    let plotted = plot(points);
    let path: Vec<String> = plotted
        .iter()
        .map(|p| format!("{},{}", p.cx, p.cy))
        .collect();
    let path = path.join(" ");
    let (label_x, zero_y, max_y, tick_y) = (
        LINE_LEFT - 4,
        LINE_BOTTOM + 4,
        LINE_TOP + 4,
        LINE_BOTTOM + 16,
    );
    rsx! {
        svg {
            class: "chart chart-line",
            role: "img",
            "aria-labelledby": "{id}-title {id}-desc",
            view_box: "0 0 {CHART_WIDTH} {LINE_HEIGHT}",
            width: "100%",
            preserve_aspect_ratio: "xMinYMin meet",
            title { id: "{id}-title", "{title}" }
            desc { id: "{id}-desc", "{description}" }
            line {
                class: "chart-axis",
                x1: "{LINE_LEFT}",
                y1: "{LINE_BOTTOM}",
                x2: "{CHART_WIDTH}",
                y2: "{LINE_BOTTOM}",
            }
            text {
                class: "chart-label",
                x: "{label_x}",
                y: "{zero_y}",
                text_anchor: "end",
                "0"
            }
            text {
                class: "chart-label",
                x: "{label_x}",
                y: "{max_y}",
                text_anchor: "end",
                "{max}"
            }
            if !points.is_empty() {
                polyline { class: "chart-path", fill: "none", points: "{path}" }
            }
            for (i , (p , at)) in points.iter().zip(&plotted).enumerate() {
                g { key: "{i}",
                    circle {
                        class: "chart-point",
                        cx: "{at.cx}",
                        cy: "{at.cy}",
                        r: "3",
                        "data-value": "{p.value}",
                        title { "{p.label}: {p.value}" }
                    }
                    if at.labelled {
                        text {
                            class: "chart-value",
                            x: "{at.cx}",
                            y: "{at.above}",
                            text_anchor: "middle",
                            "{p.value}"
                        }
                    }
                    if p.tick {
                        text {
                            class: "chart-label",
                            x: "{at.cx}",
                            y: "{tick_y}",
                            text_anchor: "middle",
                            "{p.label}"
                        }
                    }
                }
            }
        }
    }
}

/// A chart in its box on the page.
#[component]
pub fn Chart(children: Element) -> Element {
    rsx! {
        div { class: "chart-box", {children} }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_proportional_and_bounded() {
        assert_eq!(bar_length(0, 10), 0);
        assert_eq!(bar_length(5, 10), BAR_MAX / 2);
        assert_eq!(bar_length(10, 10), BAR_MAX);
        assert_eq!(bar_length(20, 10), BAR_MAX);
        assert_eq!(bar_length(3, 0), 0);
    }

    #[test]
    fn clipping_keeps_short_labels() {
        assert_eq!(clip("Oak", 5), "Oak");
        assert_eq!(clip("Walnut North", 7), "Walnut…");
    }
}
