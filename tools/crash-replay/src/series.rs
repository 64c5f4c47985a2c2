//! Price histories: a CSV file with a header row; the first column a time, the second a floor
//! price in any unit; other columns are ignored. A time is an ISO 8601 date (`2022-08-19`), a date
//! and time (`2022-08-19T14:00:00Z`, `2022-08-19 14:00`, with an optional `+02:00` offset), or unix
//! seconds. Rows must go forward in time. Between rows the price moves linearly.

use std::path::Path;

/// A price history: seconds since its first row, and the price as a multiple of the first row's.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceSeries {
	points: Vec<(f64, f64)>,
}

impl PriceSeries {
	/// Reads and parses a CSV file.
	pub fn load(path: &Path) -> Result<Self, String> {
		let text = std::fs::read_to_string(path)
			.map_err(|e| format!("cannot read the price file {}: {e}", path.display()))?;
		Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
	}

	/// Parses CSV text (see the module documentation).
	pub fn parse(text: &str) -> Result<Self, String> {
		let mut rows = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
		rows.next().ok_or("the file is empty (a header row, then one row per price)")?;
		let mut points: Vec<(f64, f64)> = Vec::new();
		let mut first: Option<(i64, f64)> = None;
		for (index, line) in rows {
			let row = index + 1;
			let mut columns = line.split(',').map(|c| c.trim().trim_matches('"'));
			let time = columns.next().unwrap_or_default();
			let price = columns.next().ok_or_else(|| format!("row {row}: no price column"))?;
			let time = parse_time(time).map_err(|e| format!("row {row}: {e}"))?;
			let price: f64 = price
				.parse()
				.map_err(|_| format!("row {row}: the price {price:?} is not a number"))?;
			if !(price.is_finite() && price > 0.0) {
				return Err(format!("row {row}: the price must be above zero, not {price}"));
			}
			let (start, scale) = *first.get_or_insert((time, price));
			let at = (time - start) as f64;
			if let Some((last, _)) = points.last() {
				if at <= *last {
					return Err(format!("row {row}: its time is not after the previous row's"));
				}
			}
			points.push((at, price / scale));
		}
		if points.len() < 2 {
			return Err("a price history needs at least two rows of prices".into());
		}
		Ok(Self { points })
	}

	/// A history from points `(seconds since the start, price as a multiple of the first)`.
	pub fn from_points(points: Vec<(f64, f64)>) -> Result<Self, String> {
		let mut csv = String::from("time,price\n");
		for (at, price) in points {
			csv.push_str(&format!("{},{price}\n", at as i64));
		}
		Self::parse(&csv)
	}

	/// Seconds from the first row to the last.
	pub fn duration(&self) -> f64 {
		self.points.last().map(|p| p.0).unwrap_or_default()
	}

	/// The price `at` seconds after the first row, as a multiple of the first row's (the last
	/// row's after the end).
	pub fn factor_at(&self, at: f64) -> f64 {
		let after = self.points.partition_point(|p| p.0 <= at);
		match (after.checked_sub(1).map(|i| self.points[i]), self.points.get(after).copied()) {
			(Some((t0, p0)), Some((t1, p1))) => p0 + (p1 - p0) * (at - t0) / (t1 - t0),
			(Some((_, p)), None) | (None, Some((_, p))) => p,
			(None, None) => 1.0,
		}
	}

	/// The lowest price of the history, as a multiple of the first.
	pub fn lowest(&self) -> f64 {
		self.points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min)
	}
}

/// Unix seconds of an ISO 8601 date or date-time, or of unix seconds.
fn parse_time(text: &str) -> Result<i64, String> {
	if let Ok(seconds) = text.parse::<f64>() {
		return Ok(seconds as i64);
	}
	let bad = || format!("{text:?} is neither unix seconds nor an ISO 8601 date or time");
	let (date, time) = match text.find(['T', ' ']) {
		Some(at) => (&text[..at], Some(&text[at + 1..])),
		None => (text, None),
	};
	let mut parts = date.split('-').map(|p| p.parse::<i64>().map_err(|_| bad()));
	let (year, month, day) = (
		parts.next().ok_or_else(bad)??,
		parts.next().ok_or_else(bad)??,
		parts.next().ok_or_else(bad)??,
	);
	if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
		return Err(bad());
	}
	let mut seconds = days_from_civil(year, month, day) * 86_400;
	if let Some(time) = time {
		// The offset, if any: `Z`, `+hh:mm` or `-hh:mm`.
		let (clock, offset) = match time.find(['Z', '+', '-']) {
			Some(at) => (&time[..at], &time[at..]),
			None => (time, ""),
		};
		let mut fields = clock.split(':').map(|p| p.parse::<f64>().map_err(|_| bad()));
		let hours = fields.next().ok_or_else(bad)??;
		let minutes = fields.next().transpose()?.unwrap_or(0.0);
		let secs = fields.next().transpose()?.unwrap_or(0.0);
		seconds += (hours * 3600.0 + minutes * 60.0 + secs) as i64;
		if let Some(sign) = offset.chars().next().filter(|c| *c == '+' || *c == '-') {
			let mut fields = offset[1..].split(':').map(|p| p.parse::<i64>().map_err(|_| bad()));
			let shift = fields.next().ok_or_else(bad)?? * 3600
				+ fields.next().transpose()?.unwrap_or(0) * 60;
			seconds += if sign == '+' { -shift } else { shift };
		}
	}
	Ok(seconds)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
	let year = if month <= 2 { year - 1 } else { year };
	let era = year.div_euclid(400);
	let year_of_era = year - era * 400;
	let month_index = (month + 9) % 12;
	let day_of_year = (153 * month_index + 2) / 5 + day - 1;
	let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn dates_times_and_unix_seconds_parse_to_the_same_instant() {
		assert_eq!(parse_time("1970-01-01"), Ok(0));
		assert_eq!(parse_time("2022-08-19"), Ok(1_660_867_200));
		assert_eq!(parse_time("2022-08-19T14:00:00Z"), Ok(1_660_867_200 + 14 * 3600));
		assert_eq!(parse_time("2022-08-19 14:00"), Ok(1_660_867_200 + 14 * 3600));
		assert_eq!(parse_time("2022-08-19T16:00:00+02:00"), Ok(1_660_867_200 + 14 * 3600));
		assert_eq!(parse_time("1660917600"), Ok(1_660_917_600));
		assert!(parse_time("19/08/2022").is_err());
		assert!(parse_time("2022-13-01").is_err());
	}

	#[test]
	fn prices_scale_to_the_first_row_and_move_linearly_between_rows() {
		let series = PriceSeries::parse(
			"date,floor,volume\n2022-08-01,80,3\n2022-08-02,40,9\n2022-08-04,60,1\n",
		)
		.unwrap();
		assert_eq!(series.duration(), 3.0 * 86_400.0);
		assert_eq!(series.factor_at(0.0), 1.0);
		assert_eq!(series.factor_at(43_200.0), 0.75);
		assert_eq!(series.factor_at(86_400.0), 0.5);
		assert_eq!(series.factor_at(2.0 * 86_400.0), 0.625);
		assert_eq!(series.factor_at(10.0 * 86_400.0), 0.75);
		assert_eq!(series.lowest(), 0.5);
	}

	#[test]
	fn a_bad_file_names_the_row_and_the_problem() {
		let err = |text: &str| PriceSeries::parse(text).unwrap_err();
		assert!(err("").contains("empty"));
		assert!(err("t,p\n0,1\n").contains("at least two"));
		assert!(err("t,p\n0,1\n10,x\n").starts_with("row 3"));
		assert!(err("t,p\n0,1\n10,0\n").contains("above zero"));
		assert!(err("t,p\n10,1\n5,2\n").contains("not after"));
		assert!(err("t,p\n0,1\nyesterday,2\n").contains("ISO 8601"));
	}
}
