//! Charts for the lead's dashboard, drawn as inline SVG by pure functions: plain values in,
//! SVG markup out (no store, no signals), so they are tested as text and need no chart
//! library, no network and no canvas. Every chart is an `<svg role="img">` with a `<title>`
//! and a `<desc>` for screen readers, every bar and point carries its number as text, and
//! every label is escaped. Colours come from the style sheet (`.chart-*` classes), so the
//! charts follow the dark and light themes.

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

/// Escape text for SVG/HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
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
pub fn bar_chart(id: &str, title: &str, description: &str, bars: &[Bar]) -> String {
    let scale = bars
        .iter()
        .map(|b| b.total.unwrap_or(0).max(b.value))
        .max()
        .unwrap_or(0);
    let height = (bars.len() as u32).max(1) * ROW_HEIGHT + 4;
    let id = escape(id);
    let mut svg = format!(
        "<svg class=\"chart chart-bars\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         viewBox=\"0 0 {CHART_WIDTH} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(description)
    );
    for (i, bar) in bars.iter().enumerate() {
        let y = i as u32 * ROW_HEIGHT;
        let label = escape(&clip(&bar.label, 28));
        let text = escape(&bar.text);
        svg.push_str(&format!(
            "<g class=\"chart-row\"><title>{}: {text}</title>\
             <text class=\"chart-label\" x=\"{BAR_X}\" y=\"{}\">{label}</text>\
             <text class=\"chart-value\" x=\"{CHART_WIDTH}\" y=\"{}\" text-anchor=\"end\">{text}</text>",
            escape(&bar.label),
            y + 13,
            y + 13,
        ));
        if let Some(total) = bar.total {
            svg.push_str(&format!(
                "<rect class=\"chart-track\" x=\"{BAR_X}\" y=\"{}\" width=\"{}\" height=\"{BAR_HEIGHT}\" rx=\"3\"/>",
                y + 18,
                bar_length(total, scale)
            ));
        }
        let class = if bar.class.is_empty() {
            String::new()
        } else {
            format!(" {}", escape(bar.class))
        };
        svg.push_str(&format!(
            "<rect class=\"chart-bar{class}\" x=\"{BAR_X}\" y=\"{}\" width=\"{}\" height=\"{BAR_HEIGHT}\" rx=\"3\" data-value=\"{}\"/></g>",
            y + 18,
            bar_length(bar.value, scale),
            bar.value
        ));
    }
    svg.push_str("</svg>");
    svg
}

const LINE_HEIGHT: u32 = 150;
const LINE_LEFT: u32 = 34;
const LINE_TOP: u32 = 18;
const LINE_BOTTOM: u32 = 126;

/// A line over time: points evenly spaced left to right, the axis from 0 to the largest
/// value (both labelled), each point's number as text (every point when there are at most
/// 14, else the nonzero peaks), and tick labels under the axis.
pub fn line_chart(id: &str, title: &str, description: &str, points: &[Point]) -> String {
    let max = points.iter().map(|p| p.value).max().unwrap_or(0);
    let id = escape(id);
    let mut svg = format!(
        "<svg class=\"chart chart-line\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         viewBox=\"0 0 {CHART_WIDTH} {LINE_HEIGHT}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>\
         <line class=\"chart-axis\" x1=\"{LINE_LEFT}\" y1=\"{LINE_BOTTOM}\" x2=\"{CHART_WIDTH}\" y2=\"{LINE_BOTTOM}\"/>\
         <text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">0</text>\
         <text class=\"chart-label\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{max}</text>",
        escape(title),
        escape(description),
        LINE_LEFT - 4,
        LINE_BOTTOM + 4,
        LINE_LEFT - 4,
        LINE_TOP + 4,
    );
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
    if n > 0 {
        let path: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x_of(i), y_of(p.value)))
            .collect();
        svg.push_str(&format!(
            "<polyline class=\"chart-path\" fill=\"none\" points=\"{}\"/>",
            path.join(" ")
        ));
    }
    for (i, p) in points.iter().enumerate() {
        let (x, y) = (x_of(i), y_of(p.value));
        let label = escape(&p.label);
        svg.push_str(&format!(
            "<circle class=\"chart-point\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" data-value=\"{}\"><title>{label}: {}</title></circle>",
            p.value, p.value
        ));
        let peak = p.value > 0
            && (n <= 14
                || (p.value == max)
                || (i > 0
                    && i + 1 < n
                    && p.value > points[i - 1].value
                    && p.value >= points[i + 1].value));
        if peak {
            svg.push_str(&format!(
                "<text class=\"chart-value\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                y - 6.0,
                p.value
            ));
        }
        if p.tick {
            svg.push_str(&format!(
                "<text class=\"chart-label\" x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
                LINE_BOTTOM + 16
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A chart's SVG markup in the page (the markup is made, and escaped, by this module).
#[component]
pub fn Chart(svg: String) -> Element {
    rsx! {
        div { class: "chart-box", dangerous_inner_html: "{svg}" }
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
