//! A price older than `MaxPriceAge` blocks is stale.

use super::*;
use crate::PriceQuote;
use frame_support::assert_ok;

#[test]
fn a_quote_is_fresh_for_max_price_age_blocks() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(MaxPriceAge::get());
		assert!(FloorPriceOracle::quote(&1).unwrap().fresh);
		run_to_block(MaxPriceAge::get() + 1);
		assert_eq!(
			FloorPriceOracle::quote(&1),
			Some(PriceQuote {
				spot: 1_000,
				twap: 1_000,
				health_spot: 1_000,
				health_twap: 1_000,
				updated_at: 0,
				fresh: false,
				warm: true,
				flagged: false
			})
		);
	});
}

#[test]
fn a_new_median_makes_a_stale_price_fresh_again() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		run_to_block(700);
		assert!(!FloorPriceOracle::quote(&1).unwrap().fresh);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!((quote.updated_at, quote.fresh), (700, true));
	});
}

#[test]
fn a_price_goes_stale_when_too_few_feeders_keep_reporting() {
	ExtBuilder::default().feeders(vec![alice(), bob()]).minimum_feeders(2).run(|| {
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_ok!(submit(bob(), &[(1, 1_000)]));
		run_to_block(400);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
		assert_eq!(FloorPriceOracle::quote(&1).unwrap().updated_at, 400);

		// Only Alice keeps feeding; Bob's feed of block 1 expires at 601.
		for block in [601, 700, 900, 1_000] {
			run_to_block(block);
			assert_ok!(submit(alice(), &[(1, 1_000)]));
		}
		let quote = FloorPriceOracle::quote(&1).unwrap();
		assert_eq!(quote.updated_at, 400);
		assert!(quote.fresh);
		run_to_block(1_001);
		assert!(!FloorPriceOracle::quote(&1).unwrap().fresh);
	});
}

#[test]
fn the_view_function_returns_the_quote() {
	ExtBuilder::default().genesis_price(1, 1_000).run(|| {
		assert_eq!(FloorPriceOracle::price_quote(1), FloorPriceOracle::quote(&1));
		assert_eq!(FloorPriceOracle::price_quote(2), None);
	});
}
