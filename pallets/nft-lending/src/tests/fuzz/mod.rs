//! A stateful fuzzer that plays attacker (SPEC sections 10 and 11).
//!
//! A seeded sequence of actions by many actors, honest and hostile, against the mock runtime
//! (the real pallet-balances and pallet-nfts, and a price source that behaves like feeders,
//! lying ones included): lenders depositing and withdrawing (also inside one batch around a
//! borrow or a defaulted sale), borrowers on both pool kinds, third-party repayers, bidders and
//! redeemers, a feeder that lies, a collection owner that freezes pledged items, governance
//! changing parameters and pausing pools, blocks passing one at a time or in long gaps, price
//! rises and crashes. After every action: every invariant (`try_state`, plus the ones that
//! compare with the state before: [`crate::mock::Snapshot`] and the rounding checks of
//! [`world`]), no panic, and a call that fails changes nothing.
//!
//! A failure prints the seed, the action that failed, and the shortest list of actions that still
//! fails (found by removing actions while the failure stays), ready to paste into a regression
//! test with [`replay`].
//!
//! `FUZZ_STEPS` and `FUZZ_SEED` set the campaign (`./scripts/fuzz.sh --steps N --seed S`); the
//! default is the fixed-seed campaign `.ci/run` runs.

mod actions;
mod regressions;
mod world;

pub use actions::Action;

use crate::mock::new_test_ext;
use std::time::Instant;

/// The campaign `.ci/run` runs: a fixed seed, about three minutes on the project's machine.
const CI_STEPS: u64 = 60_000;
const CI_SEED: u64 = 0x5EED_1E4D;
/// Actions run between two commits of the test state (keeps each storage root cheap).
const CHUNK: usize = 32;

/// SplitMix64: small, fast, and the same on every machine.
#[derive(Clone)]
pub struct Rng(u64);

impl Rng {
	pub fn new(seed: u64) -> Self {
		Self(seed)
	}
	pub fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}
	/// A number in `0..n`.
	pub fn below(&mut self, n: u64) -> u64 {
		self.next() % n.max(1)
	}
	/// `true` with probability `percent`%.
	pub fn chance(&mut self, percent: u64) -> bool {
		self.below(100) < percent
	}
}

/// What a run did.
#[derive(Default, Debug)]
pub struct Report {
	pub actions: u64,
	pub failed_calls: u64,
	pub invariant_checks: u64,
	pub blocks: u64,
	/// Per kind of action: calls that succeeded and calls that failed.
	pub outcomes: std::collections::BTreeMap<&'static str, (u64, u64)>,
	/// Why calls failed, and how often.
	pub errors: std::collections::BTreeMap<String, u64>,
	/// Calls that succeeded.
	pub succeeded_calls: u64,
	/// Loans the sweep liquidated, auctions it settled.
	pub liquidated: u64,
	pub settled: u64,
}

/// Runs `actions` from a fresh world. `Err` names the first action at which an invariant broke
/// or something panicked, with the message.
pub fn replay(actions: &[Action]) -> Result<Report, (usize, String)> {
	let mut ext = new_test_ext();
	let mut report = Report::default();
	ext.execute_with(world::setup);
	for (chunk_index, chunk) in actions.chunks(CHUNK).enumerate() {
		let outcome = ext.execute_with(|| {
			for (offset, action) in chunk.iter().enumerate() {
				let at = chunk_index * CHUNK + offset;
				let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
					world::run(action, &mut report)
				}));
				match result {
					Ok(()) => {}
					Err(panic) => {
						let message = panic
							.downcast_ref::<String>()
							.cloned()
							.or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
							.unwrap_or_else(|| "panic".into());
						return Err((at, message));
					}
				}
				report.actions += 1;
			}
			Ok(())
		});
		outcome?;
		ext.commit_all().expect("the test state commits");
	}
	Ok(report)
}

/// The shortest list found that still fails: removes runs of actions (halves, quarters, ...,
/// single actions) while the failure stays, replaying from scratch each time, within `budget`
/// replays.
pub fn shrink(mut actions: Vec<Action>, budget: usize) -> Vec<Action> {
	// The replays that still fail panic on purpose: keep them quiet.
	let hook = std::panic::take_hook();
	std::panic::set_hook(Box::new(|_| {}));
	let mut replays = 0;
	let mut size = actions.len() / 2;
	while size >= 1 && replays < budget {
		let mut start = 0;
		let mut removed_any = false;
		while start < actions.len() && replays < budget {
			let end = (start + size).min(actions.len());
			let candidate: Vec<Action> =
				actions[..start].iter().chain(actions[end..].iter()).cloned().collect();
			replays += 1;
			match replay(&candidate) {
				Err((at, _)) => {
					actions = candidate[..=at].to_vec();
					removed_any = true;
				}
				Ok(_) => start += size,
			}
		}
		if !removed_any {
			size /= 2;
		}
	}
	std::panic::set_hook(hook);
	actions
}

fn env_u64(name: &str, default: u64) -> u64 {
	std::env::var(name)
		.ok()
		.and_then(|raw| {
			let raw = raw.trim();
			raw.strip_prefix("0x")
				.map(|hex| u64::from_str_radix(hex, 16).ok())
				.unwrap_or_else(|| raw.parse().ok())
		})
		.unwrap_or(default)
}

#[test]
fn a_campaign_of_honest_and_hostile_actors_breaks_no_invariant() {
	let steps = env_u64("FUZZ_STEPS", CI_STEPS);
	let seed = env_u64("FUZZ_SEED", CI_SEED);
	let mut rng = Rng::new(seed);
	let actions: Vec<Action> = (0..steps).map(|_| Action::random(&mut rng)).collect();
	let started = Instant::now();
	let outcome = replay(&actions);
	let elapsed = started.elapsed().as_secs_f64();
	match outcome {
		Ok(report) => {
			println!(
				"fuzz: seed {seed:#x}, {} actions ({} failed calls, {} blocks), {} invariant \
				 checks, {elapsed:.1} s, {:.0} actions/s, 0 failures",
				report.actions,
				report.failed_calls,
				report.blocks,
				report.invariant_checks,
				report.actions as f64 / elapsed.max(1e-9),
			);
			println!(
				"fuzz: {} calls succeeded; the sweep liquidated {} loans and settled {} auctions; \
				 actions with calls (all succeeded, one failed): {:?}; errors: {:?}",
				report.succeeded_calls,
				report.liquidated,
				report.settled,
				report.outcomes,
				report.errors
			);
		}
		Err((at, message)) => {
			println!("fuzz: seed {seed:#x}: action {at} failed: {message}");
			let shortest = shrink(actions[..=at].to_vec(), 2_000);
			println!(
				"fuzz: the shortest failing list ({} actions), for a regression test in \
				 `regressions.rs`:\n{shortest:#?}",
				shortest.len()
			);
			panic!("fuzz: seed {seed:#x}: invariant broken at action {at}: {message}");
		}
	}
}
