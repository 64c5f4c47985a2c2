//! `timeline.png`: four panels over the replay's hours: the market floor with the oracle's TWAP,
//! both pools' utilization, both pools' share price, and the loans in auction and defaulted.

use crate::report::Hour;
use plotters::prelude::*;
use std::path::Path;

/// The font the chart is written in (Debian's `fonts-dejavu-core`, which `scripts/setup.sh`
/// installs).
pub const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

fn register_font() -> Result<(), String> {
	use std::sync::OnceLock;
	static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
	REGISTERED
		.get_or_init(|| {
			let bytes = std::fs::read(FONT).map_err(|e| {
				format!("the chart needs the font {FONT} (Debian: fonts-dejavu-core): {e}")
			})?;
			plotters::style::register_font(
				"sans-serif",
				FontStyle::Normal,
				Box::leak(bytes.into_boxed_slice()),
			)
			.map_err(|_| format!("{FONT} is not a font plotters can read"))
		})
		.clone()
}

/// A line of a panel: its name, its colour, its value at each hour.
type Series<'a> = (&'a str, RGBColor, &'a dyn Fn(&Hour) -> f64);

/// One panel: `series` over the hours.
fn panel(
	area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
	title: &str,
	hours: &[Hour],
	series: &[Series],
) -> Result<(), String> {
	let err = |e: DrawingAreaErrorKind<_>| format!("drawing the chart: {e:?}");
	let last = hours.last().map(|h| h.hour).unwrap_or(1).max(1) as f64;
	let values = series.iter().flat_map(|(_, _, f)| hours.iter().map(f));
	let (low, high) =
		values.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| (l.min(v), h.max(v)));
	let (low, high) = if low.is_finite() { (low, high) } else { (0.0, 1.0) };
	let pad = ((high - low) * 0.08).max(high.abs() * 1e-6).max(1e-9);
	let mut chart = ChartBuilder::on(area)
		.caption(title, ("sans-serif", 18))
		.margin(8)
		.x_label_area_size(26)
		.y_label_area_size(70)
		.build_cartesian_2d(0f64..last, (low - pad)..(high + pad))
		.map_err(err)?;
	chart
		.configure_mesh()
		.x_desc("hours")
		.label_style(("sans-serif", 12))
		.light_line_style(WHITE.mix(0.0))
		.draw()
		.map_err(err)?;
	for (name, colour, value) in series {
		let colour = *colour;
		chart
			.draw_series(LineSeries::new(
				hours.iter().map(|h| (h.hour as f64, value(h))),
				colour.stroke_width(2),
			))
			.map_err(err)?
			.label(*name)
			.legend(move |(x, y)| {
				PathElement::new(vec![(x, y), (x + 16, y)], colour.stroke_width(2))
			});
	}
	chart
		.configure_series_labels()
		.background_style(WHITE.mix(0.85))
		.border_style(BLACK.mix(0.3))
		.label_font(("sans-serif", 12))
		.draw()
		.map_err(err)
}

/// Draws the timeline into `path` (PNG).
pub fn draw(hours: &[Hour], title: &str, path: &Path) -> Result<(), String> {
	register_font()?;
	let root = BitMapBackend::new(path, (1200, 1400)).into_drawing_area();
	root.fill(&WHITE).map_err(|e| format!("drawing the chart: {e:?}"))?;
	let (header, body) = root.split_vertically(40);
	header.titled(title, ("sans-serif", 22)).map_err(|e| format!("drawing the chart: {e:?}"))?;
	let panels = body.split_evenly((4, 1));
	let blue = RGBColor(31, 119, 180);
	let orange = RGBColor(255, 127, 14);
	let red = RGBColor(214, 39, 40);
	let grey = RGBColor(90, 90, 90);
	panel(
		&panels[0],
		"floor price and the oracle's health TWAP (NFTL)",
		hours,
		&[("floor", blue, &|h| h.price), ("TWAP", orange, &|h| h.twap)],
	)?;
	panel(
		&panels[1],
		"utilization (%)",
		hours,
		&[
			("variable pool", blue, &|h| h.utilization_variable),
			("fixed pool", orange, &|h| h.utilization_fixed),
		],
	)?;
	panel(
		&panels[2],
		"share price",
		hours,
		&[
			("variable pool", blue, &|h| h.share_price_variable),
			("fixed pool", orange, &|h| h.share_price_fixed),
		],
	)?;
	panel(
		&panels[3],
		"loans in auction and defaulted",
		hours,
		&[
			("in auction", red, &|h| h.loans_in_auction as f64),
			("defaulted, NFT for sale", grey, &|h| h.loans_defaulted as f64),
		],
	)?;
	root.present().map_err(|e| format!("writing {}: {e:?}", path.display()))
}
