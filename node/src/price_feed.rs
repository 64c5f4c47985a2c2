//! The demo floor price feed: a tiny HTTP server inside the node, for `--dev` and local tests.
//!
//! `GET /prices` answers `{"timestamp": <unix ms>, "prices": [{"collection": 0, "floor":
//! "<u128>"}, ...]}` with prices from `node/res/demo-prices.json`: a base floor per collection
//! moved by a slow sine wave, a pure function of the wall clock rounded down to 30 s, so two
//! servers on one machine agree. Scenarios replay market events:
//! - `POST` (or `GET`) `/scenario/crash[?collection=<id>]`: all collections (or one) fall linearly
//!   to `1 - depth` of their price over `duration` seconds, in steps;
//! - `/scenario/normal`: back to the plain wave;
//! - `/scenario/scale?factor=<decimal>`: every price this server serves is multiplied by
//!   `factor` (e.g. `10` or `0.1`), on top of the scenario: one feeder's source that lies, for the
//!   oracle's manipulation tests (`factor=1` ends it);
//! - `GET /scenario`: the current scenario and scale.
//!
//! Plain `std`: one thread, `TcpListener`, HTTP/1.1 with `Connection: close`.

use std::{
	io::{self, Read, Write},
	net::{SocketAddr, TcpListener, TcpStream},
	sync::{Arc, Mutex},
	time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde::Deserialize;
use serde_json::json;

use crate::cli::PriceFeedParams;

/// Where the `dev` chain serves demo prices unless told otherwise.
pub const DEFAULT_DEMO_ADDR: SocketAddr =
	SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 8089);

/// The bundled demo data.
const DEMO_DATA: &str = include_str!("../res/demo-prices.json");

/// Largest request head the server reads.
const MAX_REQUEST_HEAD: usize = 8 * 1024;

/// Parts per million: the fixed-point unit of every multiplier here.
const PPM: u128 = 1_000_000;

/// What the node does about prices at startup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
	/// Start the demo server on this address.
	pub serve: Option<SocketAddr>,
	/// Write this URL into the off-chain storage for the oracle's off-chain worker.
	pub url: Option<String>,
}

/// Decides from the flags (and whether this is the `dev` chain) what to serve and which URL the
/// off-chain worker fetches.
pub fn plan(params: &PriceFeedParams, is_dev: bool) -> Result<Plan, String> {
	if let Some(addr) = params.demo_price_feed {
		if !addr.ip().is_loopback() {
			return Err(format!(
				"--demo-price-feed {addr}: the demo price server listens on loopback addresses \
				 only (e.g. 127.0.0.1:8089)"
			));
		}
	}
	let serve = match params.demo_price_feed {
		Some(addr) => Some(addr),
		None if is_dev && !params.no_demo_price_feed && params.price_feed_url.is_none() => {
			Some(DEFAULT_DEMO_ADDR)
		}
		None => None,
	};
	let url = params.price_feed_url.clone().or_else(|| serve.map(prices_url));
	Ok(Plan { serve, url })
}

/// The URL of the demo server's prices on `addr`.
pub fn prices_url(addr: SocketAddr) -> String {
	format!("http://{addr}/prices")
}

/// Starts the demo price server on `addr` in a thread of its own; returns the bound address.
pub fn spawn_server(addr: SocketAddr) -> io::Result<SocketAddr> {
	let data = DemoData::bundled().map_err(io::Error::other)?;
	let listener = TcpListener::bind(addr)?;
	let bound = listener.local_addr()?;
	let server = Arc::new(Server {
		data,
		scenario: Mutex::new(Scenario::Normal),
		scale_ppm: Mutex::new(PPM),
	});
	std::thread::Builder::new().name("demo-price-feed".into()).spawn(move || {
		for stream in listener.incoming() {
			match stream {
				Ok(stream) => {
					if let Err(e) = server.handle(stream) {
						log::debug!(target: "price-feed", "demo price request failed: {e}");
					}
				}
				Err(e) => log::debug!(target: "price-feed", "demo price accept failed: {e}"),
			}
		}
	})?;
	Ok(bound)
}

/// The contents of `demo-prices.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct DemoData {
	/// Prices change at most once per this many seconds.
	pub round_seconds: u64,
	/// One entry per collection.
	pub collections: Vec<CollectionFeed>,
	/// The crash replay.
	pub crash: CrashParams,
}

/// Demo price parameters of one collection.
#[derive(Debug, Clone, Deserialize)]
pub struct CollectionFeed {
	/// Collection id in pallet-nfts.
	pub collection: u32,
	/// Collection name (for humans reading the file).
	pub name: String,
	/// Floor price around which the wave moves, smallest units, as a decimal string.
	pub base_floor: String,
	/// Height of the wave, in percent of the base.
	pub amplitude_percent: u32,
	/// Length of one wave.
	pub period_seconds: u64,
}

/// The crash replay's shape.
#[derive(Debug, Clone, Deserialize)]
pub struct CrashParams {
	/// How far prices fall, in percent.
	pub depth_percent: u32,
	/// How long the fall takes.
	pub duration_seconds: u64,
	/// Prices fall in steps of this many seconds.
	pub step_seconds: u64,
}

impl DemoData {
	/// Parses and checks the bundled data file.
	pub fn bundled() -> Result<Self, String> {
		Self::parse(DEMO_DATA)
	}

	fn parse(text: &str) -> Result<Self, String> {
		let data: DemoData =
			serde_json::from_str(text).map_err(|e| format!("demo-prices.json: {e}"))?;
		let positive = |v: u64, what: &str| {
			if v == 0 {
				Err(format!("demo-prices.json: {what} must be positive"))
			} else {
				Ok(())
			}
		};
		positive(data.round_seconds, "round_seconds")?;
		positive(data.crash.duration_seconds, "crash.duration_seconds")?;
		positive(data.crash.step_seconds, "crash.step_seconds")?;
		if data.crash.depth_percent > 100 {
			return Err("demo-prices.json: crash.depth_percent is at most 100".into());
		}
		for feed in &data.collections {
			positive(feed.period_seconds, "period_seconds")?;
			if feed.amplitude_percent >= 100 {
				return Err("demo-prices.json: amplitude_percent is below 100".into());
			}
			feed.base_floor()?;
		}
		Ok(data)
	}

	/// `now_ms` rounded down to the price grid.
	pub fn round(&self, now_ms: u64) -> u64 {
		let step = self.round_seconds * 1000;
		now_ms - now_ms % step
	}

	/// The floor price of `feed` at `now_ms` under `scenario`.
	pub fn floor_at(&self, feed: &CollectionFeed, now_ms: u64, scenario: &Scenario) -> u128 {
		let at = self.round(now_ms);
		let base = feed.base_floor().unwrap_or_default();
		let with_wave = base.saturating_mul(wave_ppm(feed, at)) / PPM;
		with_wave.saturating_mul(self.crash_ppm(feed.collection, at, scenario)) / PPM
	}

	/// The crash multiplier (in ppm) of `collection` at the rounded time `at`.
	fn crash_ppm(&self, collection: u32, at: u64, scenario: &Scenario) -> u128 {
		let Scenario::Crash { since_ms, collection: only } = scenario else { return PPM };
		if only.is_some_and(|c| c != collection) {
			return PPM;
		}
		let step_ms = self.crash.step_seconds * 1000;
		let duration_ms = self.crash.duration_seconds * 1000;
		let elapsed = at.saturating_sub(*since_ms);
		let fallen_ms = (elapsed - elapsed % step_ms).min(duration_ms);
		let depth_ppm = self.crash.depth_percent as u128 * PPM / 100;
		PPM - depth_ppm * fallen_ms as u128 / duration_ms as u128
	}

	/// The `/prices` document at `now_ms`, every price times `scale_ppm` parts per million.
	pub fn prices_json(
		&self,
		now_ms: u64,
		scenario: &Scenario,
		scale_ppm: u128,
	) -> serde_json::Value {
		let prices: Vec<_> = self
			.collections
			.iter()
			.map(|feed| {
				let floor = self.floor_at(feed, now_ms, scenario).saturating_mul(scale_ppm) / PPM;
				json!({ "collection": feed.collection, "floor": floor.to_string() })
			})
			.collect();
		json!({ "timestamp": self.round(now_ms), "prices": prices })
	}
}

impl CollectionFeed {
	fn base_floor(&self) -> Result<u128, String> {
		self.base_floor.parse().map_err(|e| {
			format!("demo-prices.json: base_floor {:?} of {}: {e}", self.base_floor, self.name)
		})
	}
}

/// `1 + amplitude * sin(2π t / period)`, in ppm, at the rounded time `at`.
fn wave_ppm(feed: &CollectionFeed, at: u64) -> u128 {
	let period_ms = feed.period_seconds * 1000;
	let phase = (at % period_ms) as f64 / period_ms as f64;
	let amplitude_ppm = feed.amplitude_percent as f64 * (PPM as f64 / 100.0);
	let wave = (amplitude_ppm * (2.0 * std::f64::consts::PI * phase).sin()).round() as i64;
	(PPM as i64 + wave) as u128
}

/// The market event being replayed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
	/// Prices follow the wave.
	Normal,
	/// Prices fall from the rounded time `since_ms` on; `collection: None` means all of them.
	Crash { since_ms: u64, collection: Option<u32> },
}

impl Scenario {
	fn to_json(self, data: &DemoData) -> serde_json::Value {
		match self {
			Scenario::Normal => json!({ "scenario": "normal" }),
			Scenario::Crash { since_ms, collection } => json!({
				"scenario": "crash",
				"collection": collection,
				"since": since_ms,
				"depth_percent": data.crash.depth_percent,
				"duration_seconds": data.crash.duration_seconds,
				"step_seconds": data.crash.step_seconds,
			}),
		}
	}
}

/// A parsed request line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
	/// `GET`, `POST`, ...
	pub method: String,
	/// The path without the query.
	pub path: String,
	/// What follows `?`, if anything.
	pub query: Option<String>,
}

/// Why a request could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
	/// The head is not `METHOD /path HTTP/1.x` followed by headers.
	Malformed,
	/// The head does not end within [`MAX_REQUEST_HEAD`] bytes.
	TooLarge,
	/// The connection closed before the head ended.
	Incomplete,
}

/// Parses the head of an HTTP/1.x request (request line and headers, up to the blank line).
pub fn parse_request(head: &[u8]) -> Result<Request, ParseError> {
	let end = find_head_end(head).ok_or(if head.len() >= MAX_REQUEST_HEAD {
		ParseError::TooLarge
	} else {
		ParseError::Incomplete
	})?;
	let head = std::str::from_utf8(&head[..end]).map_err(|_| ParseError::Malformed)?;
	let request_line = head.split("\r\n").next().ok_or(ParseError::Malformed)?;
	let mut parts = request_line.split(' ');
	let (Some(method), Some(target), Some(version), None) =
		(parts.next(), parts.next(), parts.next(), parts.next())
	else {
		return Err(ParseError::Malformed);
	};
	if method.is_empty() || !target.starts_with('/') || !version.starts_with("HTTP/1.") {
		return Err(ParseError::Malformed);
	}
	let (path, query) = match target.split_once('?') {
		Some((path, query)) => (path, Some(query.to_string())),
		None => (target, None),
	};
	Ok(Request { method: method.to_string(), path: path.to_string(), query })
}

fn find_head_end(buf: &[u8]) -> Option<usize> {
	buf.windows(4).position(|w| w == b"\r\n\r\n")
}

/// A non-negative decimal such as `10`, `0.1` or `2.5` in parts per million (at most six
/// decimals).
pub fn parse_ppm(raw: &str) -> Option<u128> {
	let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
	if whole.is_empty() && fraction.is_empty() || fraction.len() > 6 {
		return None;
	}
	let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
	if !digits(whole) || !digits(fraction) {
		return None;
	}
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
	let fraction: u128 =
		if fraction.is_empty() { 0 } else { format!("{fraction:0<6}").parse().ok()? };
	whole.checked_mul(PPM)?.checked_add(fraction)
}

/// The value of `key` in a query string like `a=1&collection=2`.
fn query_param<'a>(query: Option<&'a str>, key: &str) -> Option<&'a str> {
	query?.split('&').find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

struct Server {
	data: DemoData,
	scenario: Mutex<Scenario>,
	/// What every served price is multiplied by, in ppm (`PPM`: as is).
	scale_ppm: Mutex<u128>,
}

impl Server {
	fn handle(&self, mut stream: TcpStream) -> io::Result<()> {
		stream.set_read_timeout(Some(Duration::from_secs(2)))?;
		stream.set_write_timeout(Some(Duration::from_secs(2)))?;
		let mut head = Vec::with_capacity(512);
		let mut chunk = [0u8; 1024];
		while find_head_end(&head).is_none() && head.len() < MAX_REQUEST_HEAD {
			let n = stream.read(&mut chunk)?;
			if n == 0 {
				break;
			}
			head.extend_from_slice(&chunk[..n]);
		}
		let (status, body) = match parse_request(&head) {
			Ok(request) => self.respond(&request, unix_millis()),
			Err(e) => (400, json!({ "error": format!("bad request: {e:?}") })),
		};
		write_response(&mut stream, status, &body)
	}

	/// Status and JSON body for `request` at `now_ms`.
	fn respond(&self, request: &Request, now_ms: u64) -> (u16, serde_json::Value) {
		let mut scenario = self.scenario.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let mut scale = self.scale_ppm.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let method = request.method.as_str();
		let read_only = method == "GET";
		let changes_scenario = method == "GET" || method == "POST";
		let described = |scenario: &Scenario, scale: u128| {
			let mut body = scenario.to_json(&self.data);
			body["scale_ppm"] = json!(scale.to_string());
			body
		};
		match request.path.as_str() {
			"/prices" if read_only => (200, self.data.prices_json(now_ms, &scenario, *scale)),
			"/scenario" if read_only => (200, described(&scenario, *scale)),
			"/scenario/scale" if changes_scenario => {
				let raw = query_param(request.query.as_deref(), "factor").unwrap_or("");
				match parse_ppm(raw) {
					Some(ppm) if ppm > 0 => {
						*scale = ppm;
						(200, described(&scenario, *scale))
					}
					_ => (
						400,
						json!({ "error": format!("factor {raw:?} is not a positive decimal") }),
					),
				}
			}
			"/scenario/normal" if changes_scenario => {
				*scenario = Scenario::Normal;
				(200, scenario.to_json(&self.data))
			}
			"/scenario/crash" if changes_scenario => {
				let collection = match query_param(request.query.as_deref(), "collection") {
					None => None,
					Some(raw) => match raw.parse::<u32>() {
						Ok(id) if self.data.collections.iter().any(|c| c.collection == id) => {
							Some(id)
						}
						_ => {
							return (400, json!({ "error": format!("unknown collection {raw:?}") }))
						}
					},
				};
				*scenario = Scenario::Crash { since_ms: self.data.round(now_ms), collection };
				(200, scenario.to_json(&self.data))
			}
			"/prices" | "/scenario" | "/scenario/normal" | "/scenario/crash"
			| "/scenario/scale" => (405, json!({ "error": format!("method {method} not allowed") })),
			path => (404, json!({ "error": format!("no such path {path}") })),
		}
	}
}

fn write_response(stream: &mut TcpStream, status: u16, body: &serde_json::Value) -> io::Result<()> {
	let reason = match status {
		200 => "OK",
		400 => "Bad Request",
		404 => "Not Found",
		405 => "Method Not Allowed",
		_ => "Error",
	};
	let body = body.to_string();
	write!(
		stream,
		"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
		 Access-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n{body}",
		body.len()
	)?;
	stream.flush()
}

fn unix_millis() -> u64 {
	SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

#[cfg(test)]
mod tests {
	use super::*;

	const UNIT: u128 = 1_000_000_000_000;

	fn data() -> DemoData {
		DemoData::bundled().expect("bundled demo data is valid")
	}

	fn server() -> Server {
		Server { data: data(), scenario: Mutex::new(Scenario::Normal), scale_ppm: Mutex::new(PPM) }
	}

	fn get(path: &str) -> Request {
		let (path, query) = match path.split_once('?') {
			Some((p, q)) => (p.to_string(), Some(q.to_string())),
			None => (path.to_string(), None),
		};
		Request { method: "GET".into(), path, query }
	}

	fn floor_of(body: &serde_json::Value, collection: u64) -> u128 {
		body["prices"].as_array().unwrap().iter().find(|p| p["collection"] == collection).unwrap()
			["floor"]
			.as_str()
			.unwrap()
			.parse()
			.unwrap()
	}

	#[test]
	fn bundled_data_lists_the_three_genesis_collections() {
		let data = data();
		let ids: Vec<u32> = data.collections.iter().map(|c| c.collection).collect();
		assert_eq!(ids, vec![0, 1, 2]);
		assert_eq!(data.collections[0].base_floor().unwrap(), 5_000 * UNIT);
	}

	#[test]
	fn price_stays_within_the_wave_amplitude() {
		let data = data();
		for feed in &data.collections {
			let base = feed.base_floor().unwrap();
			let amplitude = base * feed.amplitude_percent as u128 / 100;
			for minute in 0..180u64 {
				let price =
					data.floor_at(feed, 1_700_000_000_000 + minute * 60_000, &Scenario::Normal);
				assert!(price >= base - amplitude && price <= base + amplitude, "{price}");
			}
		}
	}

	#[test]
	fn price_is_constant_within_a_rounding_window_so_two_servers_agree() {
		let data = data();
		let feed = &data.collections[0];
		let window_start = data.round(1_700_000_123_456);
		let first = data.floor_at(feed, window_start, &Scenario::Normal);
		let last = data.floor_at(feed, window_start + 29_999, &Scenario::Normal);
		assert_eq!(first, last);
		assert_eq!(server().respond(&get("/prices"), window_start + 10).1, {
			server().respond(&get("/prices"), window_start + 20_000).1
		});
	}

	#[test]
	fn price_moves_between_windows() {
		let data = data();
		let feed = &data.collections[0];
		let t = data.round(1_700_000_000_000);
		assert_ne!(
			data.floor_at(feed, t, &Scenario::Normal),
			data.floor_at(feed, t + 5 * 60_000, &Scenario::Normal)
		);
	}

	#[test]
	fn crash_falls_in_steps_to_half_the_price_over_two_minutes() {
		let data = data();
		let feed = &data.collections[1];
		let since = data.round(1_700_000_000_000);
		let crash = Scenario::Crash { since_ms: since, collection: None };
		let multiplier = |offset_ms: u64| {
			let at = since + offset_ms;
			data.floor_at(feed, at, &crash) as f64
				/ data.floor_at(feed, at, &Scenario::Normal) as f64
		};
		assert!((multiplier(0) - 1.0).abs() < 1e-9);
		assert!((multiplier(30_000) - 0.875).abs() < 1e-6);
		assert!((multiplier(60_000) - 0.75).abs() < 1e-6);
		assert!((multiplier(120_000) - 0.5).abs() < 1e-6);
		assert!((multiplier(600_000) - 0.5).abs() < 1e-6, "stays at the bottom");
		// Every step moves the price by at most 20% (the on-chain deviation guard).
		for step in 1..=4u64 {
			let before = multiplier((step - 1) * 30_000);
			let after = multiplier(step * 30_000);
			assert!((before - after) / before <= 0.2 + 1e-9);
		}
	}

	#[test]
	fn crash_of_one_collection_leaves_the_others_alone() {
		let server = server();
		let now = 1_700_000_000_000;
		let (status, _) = server.respond(&get("/scenario/crash?collection=1"), now);
		assert_eq!(status, 200);
		let later = now + 120_000;
		let crashed = server.respond(&get("/prices"), later).1;
		let normal = server.data.prices_json(later, &Scenario::Normal, PPM);
		assert_eq!(floor_of(&crashed, 0), floor_of(&normal, 0));
		assert!(floor_of(&crashed, 1) < floor_of(&normal, 1));
		assert_eq!(server.respond(&get("/scenario"), later).1["collection"], 1);

		assert_eq!(server.respond(&get("/scenario/normal"), later).0, 200);
		assert_eq!(server.respond(&get("/prices"), later).1, normal);
		assert_eq!(server.respond(&get("/scenario"), later).1["scenario"], "normal");
	}

	#[test]
	fn a_scaled_source_serves_every_price_times_its_factor_until_reset() {
		let server = server();
		let now = 1_700_000_000_000;
		let honest = server.respond(&get("/prices"), now).1;
		assert_eq!(server.respond(&get("/scenario/scale?factor=10"), now).0, 200);
		let lying = server.respond(&get("/prices"), now).1;
		for collection in [0, 1, 2] {
			assert_eq!(floor_of(&lying, collection), floor_of(&honest, collection) * 10);
		}
		assert_eq!(server.respond(&get("/scenario/scale?factor=0.1"), now).0, 200);
		let low = server.respond(&get("/prices"), now).1;
		assert_eq!(floor_of(&low, 0), floor_of(&honest, 0) / 10);
		assert_eq!(server.respond(&get("/scenario"), now).1["scale_ppm"], "100000");
		assert_eq!(server.respond(&get("/scenario/scale?factor=1"), now).0, 200);
		assert_eq!(server.respond(&get("/prices"), now).1, honest);
		for bad in ["", "0", "-1", "abc", "1.2345678", "."] {
			let (status, _) = server.respond(&get(&format!("/scenario/scale?factor={bad}")), now);
			assert_eq!(status, 400, "factor {bad:?}");
		}
		assert_eq!(server.respond(&get("/prices"), now).1, honest, "bad factors change nothing");
	}

	#[test]
	fn decimals_parse_to_parts_per_million() {
		assert_eq!(parse_ppm("10"), Some(10 * PPM));
		assert_eq!(parse_ppm("0.1"), Some(PPM / 10));
		assert_eq!(parse_ppm("2.5"), Some(2_500_000));
		assert_eq!(parse_ppm(".5"), Some(500_000));
		assert_eq!(parse_ppm("1.000001"), Some(1_000_001));
		assert_eq!(parse_ppm("1.0000001"), None);
		assert_eq!(parse_ppm("1e3"), None);
	}

	#[test]
	fn crash_of_an_unknown_collection_is_rejected_and_changes_nothing() {
		let server = server();
		let (status, body) = server.respond(&get("/scenario/crash?collection=7"), 0);
		assert_eq!(status, 400);
		assert!(body["error"].as_str().unwrap().contains("unknown collection"));
		assert_eq!(*server.scenario.lock().unwrap(), Scenario::Normal);
	}

	#[test]
	fn unknown_paths_and_methods_get_404_and_405() {
		let server = server();
		assert_eq!(server.respond(&get("/nope"), 0).0, 404);
		let post_prices = Request { method: "POST".into(), path: "/prices".into(), query: None };
		assert_eq!(server.respond(&post_prices, 0).0, 405);
		let post_crash =
			Request { method: "POST".into(), path: "/scenario/crash".into(), query: None };
		assert_eq!(server.respond(&post_crash, 0).0, 200);
	}

	#[test]
	fn parses_a_request_with_headers_and_query() {
		let head = b"GET /scenario/crash?collection=2 HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
		assert_eq!(
			parse_request(head),
			Ok(Request {
				method: "GET".into(),
				path: "/scenario/crash".into(),
				query: Some("collection=2".into()),
			})
		);
		assert_eq!(query_param(Some("a=1&collection=2"), "collection"), Some("2"));
		assert_eq!(query_param(Some("collections=2"), "collection"), None);
	}

	#[test]
	fn rejects_malformed_incomplete_and_oversized_requests() {
		assert_eq!(
			parse_request(b"GET /prices HTTP/1.1\r\nHost: x\r\n"),
			Err(ParseError::Incomplete)
		);
		assert_eq!(parse_request(b"GARBAGE\r\n\r\n"), Err(ParseError::Malformed));
		assert_eq!(parse_request(b"GET prices HTTP/1.1\r\n\r\n"), Err(ParseError::Malformed));
		assert_eq!(parse_request(b"GET /prices SPDY/3\r\n\r\n"), Err(ParseError::Malformed));
		assert_eq!(parse_request(&vec![b'a'; MAX_REQUEST_HEAD]), Err(ParseError::TooLarge));
	}

	#[test]
	fn serves_prices_over_tcp() {
		let addr = spawn_server("127.0.0.1:0".parse().unwrap()).expect("binds a free port");
		let mut stream = TcpStream::connect(addr).unwrap();
		stream.write_all(b"GET /prices HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
		let mut response = String::new();
		stream.read_to_string(&mut response).unwrap();
		assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
		assert!(response.contains("Connection: close"));
		let body: serde_json::Value =
			serde_json::from_str(response.split("\r\n\r\n").nth(1).unwrap()).unwrap();
		assert_eq!(body["prices"].as_array().unwrap().len(), 3);
	}

	#[test]
	fn dev_chain_defaults_to_the_demo_server() {
		let plan = plan(&PriceFeedParams::default(), true).unwrap();
		assert_eq!(plan.serve, Some(DEFAULT_DEMO_ADDR));
		assert_eq!(plan.url.as_deref(), Some("http://127.0.0.1:8089/prices"));
	}

	#[test]
	fn other_chains_and_opt_out_get_no_price_source() {
		let none = Plan { serve: None, url: None };
		assert_eq!(plan(&PriceFeedParams::default(), false).unwrap(), none);
		let opt_out = PriceFeedParams { no_demo_price_feed: true, ..Default::default() };
		assert_eq!(plan(&opt_out, true).unwrap(), none);
	}

	#[test]
	fn explicit_flags_win_over_the_dev_default() {
		let url_only = PriceFeedParams {
			price_feed_url: Some("http://127.0.0.1:9000/p".into()),
			..Default::default()
		};
		assert_eq!(
			plan(&url_only, true).unwrap(),
			Plan { serve: None, url: Some("http://127.0.0.1:9000/p".into()) }
		);
		let demo = PriceFeedParams {
			demo_price_feed: Some("127.0.0.1:9100".parse().unwrap()),
			..Default::default()
		};
		assert_eq!(
			plan(&demo, false).unwrap(),
			Plan {
				serve: Some("127.0.0.1:9100".parse().unwrap()),
				url: Some("http://127.0.0.1:9100/prices".into())
			}
		);
		let public = PriceFeedParams {
			demo_price_feed: Some("0.0.0.0:9100".parse().unwrap()),
			..Default::default()
		};
		assert!(plan(&public, true).is_err());
	}
}
