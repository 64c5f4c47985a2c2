//! The crash replay's own guarantees, on short replays (about a minute in all): determinism,
//! conservation of money, a flat history, a crash nobody bids on, and the command line end to
//! end.

use crash_replay::{
	params::{Agents, Params},
	replay::{self, Config},
	report::Summary,
	series::PriceSeries,
};

const HOUR: f64 = 3600.0;

fn config(points: Vec<(f64, f64)>, loans: u32, params: Params) -> Config {
	Config {
		prices: PriceSeries::from_points(points).expect("a valid history"),
		collection: 0,
		loans,
		params,
		seed: 7,
		feed_every: 1,
		check_every_hours: 1,
	}
}

/// Six quiet hours, a 50% fall over twelve, a recovery to 70% over a day.
fn short_crash() -> Vec<(f64, f64)> {
	vec![(0.0, 1.0), (6.0 * HOUR, 1.0), (18.0 * HOUR, 0.5), (42.0 * HOUR, 0.7)]
}

fn without_timing(summary: &Summary) -> Summary {
	Summary { performance: Default::default(), ..summary.clone() }
}

#[test]
fn a_replay_is_the_same_for_the_same_seed_and_keeps_every_unit_of_money() {
	let config = config(short_crash(), 400, Params::default());
	let first = replay::run(&config).expect("the replay runs");
	let second = replay::run(&config).expect("the replay runs again");
	assert_eq!(without_timing(&first.summary), without_timing(&second.summary));
	assert_eq!(first.timeline, second.timeline);

	let s = &first.summary;
	println!("{}", s.table());
	assert!(s.loans_liquidated > 0, "a 50% fall liquidates some of the book");
	// Lenders lose what the bad debt is beyond the reserve, to the unit.
	assert_eq!(s.lenders_loss_planck, s.bad_debt_booked_planck - s.reserve_used_planck);
	// Every cash movement the events report (proceeds of liquidations included) adds up to the
	// change of each pool's cash.
	for pool in [&s.variable_pool, &s.fixed_pool] {
		assert_eq!(pool.cash_end as i128 - pool.cash_start as i128, pool.cash_flows);
	}
	assert_eq!(s.invariant_checks, s.hours);
}

#[test]
fn the_stepped_mode_says_so_and_keeps_every_unit_of_money() {
	let config = Config { feed_every: 50, ..config(short_crash(), 300, Params::default()) };
	let outcome = replay::run(&config).expect("the replay runs");
	let s = &outcome.summary;
	println!("{}", s.table());
	assert_eq!(s.feed_every_blocks, 50);
	assert!(s.table().contains("every 50 blocks (stepped mode)"));
	assert!(s.loans_liquidated > 0, "the steps still bring the fall to the loans");
	assert_eq!(s.lenders_loss_planck, s.bad_debt_booked_planck - s.reserve_used_planck);
	for pool in [&s.variable_pool, &s.fixed_pool] {
		assert_eq!(pool.cash_end as i128 - pool.cash_start as i128, pool.cash_flows);
	}
	assert_eq!(s.invariant_checks, s.hours);
}

#[test]
fn a_flat_history_liquidates_nothing_and_lenders_earn_the_interest() {
	let days = 3.0;
	let config = config(vec![(0.0, 1.0), (days * 24.0 * HOUR, 1.0)], 300, Params::default());
	let outcome = replay::run(&config).expect("the replay runs");
	let s = &outcome.summary;
	println!("{}", s.table());
	assert_eq!(s.loans_liquidated, 0);
	assert_eq!(s.bad_debt_booked_planck, 0);
	for (name, pool) in [("variable", &s.variable_pool), ("fixed", &s.fixed_pool)] {
		assert!(pool.share_price_end > pool.share_price_start, "{name}: {pool:?}");
		assert_eq!(pool.share_price_min, pool.share_price_start, "{name}: never below the start");
	}
	// The variable pool's share price grows by about what its supply rate gives over the days
	// (the rate moves a little as interest raises the utilization).
	let first = &outcome.timeline[0];
	let last = outcome.timeline.last().unwrap();
	let growth = last.share_price_variable / first.share_price_variable - 1.0;
	assert!(growth > 0.0 && growth < 0.01, "three days of interest: {growth}");
}

#[test]
fn a_ninety_percent_crash_with_no_bidder_defaults_every_affected_loan_and_books_it_all() {
	let params = Params {
		agents: Agents {
			no_bid_share: 1.0,
			buy_discount: 100.0,
			rescue_share: 0.0,
			..Agents::default()
		},
		..Params::default()
	};
	// A 90% fall over six hours, then two days for the auctions to end.
	let points = vec![(0.0, 1.0), (HOUR, 1.0), (7.0 * HOUR, 0.1), (55.0 * HOUR, 0.1)];
	let outcome = replay::run(&config(points, 300, params)).expect("the replay runs");
	let s = &outcome.summary;
	println!("{}", s.table());
	// Every loan's health factor is below 1 at a tenth of the floor: all are auctioned, none
	// gets a bid, all default, and their whole debt is booked as a loss.
	assert_eq!(s.loans_liquidated, 300);
	assert_eq!(s.auctions_with_bids, 0);
	assert_eq!(s.auctions_without_bids, 300);
	assert_eq!(s.proceeds, 0.0);
	assert_eq!(s.bad_debt_booked, s.auctioned_debt);
	assert_eq!(s.lenders_loss_planck, s.bad_debt_booked_planck - s.reserve_used_planck);
	assert_eq!(outcome.timeline.last().unwrap().loans_defaulted, 300);
	assert_eq!(s.invariant_checks, s.hours);
}

#[test]
fn the_command_line_writes_the_summary_the_timeline_and_the_chart() {
	let dir = std::env::temp_dir().join(format!("crash-replay-test-{}", std::process::id()));
	let prices = dir.join("prices.csv");
	std::fs::create_dir_all(&dir).unwrap();
	std::fs::write(&prices, "date,floor\n2022-08-19,100\n2022-08-19T12:00Z,60\n2022-08-20,65\n")
		.unwrap();
	let params = concat!(env!("CARGO_MANIFEST_DIR"), "/params/benddao-2022.toml");
	let out = dir.join("out");
	let status = std::process::Command::new(env!("CARGO_BIN_EXE_crash-replay"))
		.args(["--loans", "200", "--params", params, "--prices"])
		.arg(&prices)
		.arg("--out")
		.arg(&out)
		.status()
		.expect("the binary runs");
	assert!(status.success());
	let summary: Summary =
		serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
	assert_eq!(summary.params, "BendDAO, August 2022");
	assert_eq!(summary.loans, 200);
	let timeline = std::fs::read_to_string(out.join("timeline.csv")).unwrap();
	assert_eq!(timeline.lines().count() as u32, summary.hours + 2, "a header and hours 0..=end");
	let png = std::fs::read(out.join("timeline.png")).unwrap();
	assert_eq!(&png[1..4], b"PNG");

	// Bad input: a clear error, nothing written. A missing price file, and feeds so rare that
	// prices would go stale between them.
	let refused = |args: &[&str], out: &str, error: &str| {
		let run = std::process::Command::new(env!("CARGO_BIN_EXE_crash-replay"))
			.args(args)
			.arg("--out")
			.arg(dir.join(out))
			.output()
			.unwrap();
		assert!(!run.status.success(), "{args:?} is refused");
		assert!(String::from_utf8_lossy(&run.stderr).contains(error), "{args:?}: {error}");
		assert!(!dir.join(out).exists(), "{args:?} writes nothing");
	};
	refused(&["--prices", "/nonexistent.csv"], "bad", "cannot read the price file");
	refused(&["--feed-every", "600"], "stale", "MaxPriceAge");
	std::fs::remove_dir_all(&dir).unwrap();
}
