//! Referendum tracks: `root`, `lending_admin` and `lending_emergency`.
//!
//! Two sets of periods, chosen by the chain's genesis preset (`Origins` genesis `timings`):
//! production periods (days) for `local_testnet` and real networks, and fast periods (blocks) for
//! the dev chain, so a referendum passes in a minute or two. See `docs/governance.md`.

use super::origins::{self, TrackTimings};
use crate::{Balance, BlockNumber, RuntimeOrigin, DAYS, HOURS, MINUTES, UNIT};
use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::{str_array as name, Perbill};

/// Track ids.
pub const ROOT: u16 = 0;
pub const LENDING_ADMIN: u16 = 1;
pub const LENDING_EMERGENCY: u16 = 2;

const fn linear(from: u32, to: u32) -> Curve {
	Curve::LinearDecreasing {
		length: Perbill::from_percent(100),
		floor: Perbill::from_percent(to),
		ceil: Perbill::from_percent(from),
	}
}

type TrackOf = Track<u16, Balance, BlockNumber>;

static PRODUCTION: [TrackOf; 3] = [
	Track {
		id: ROOT,
		info: TrackInfo {
			name: name("root"),
			max_deciding: 1,
			decision_deposit: 100_000 * UNIT,
			prepare_period: 2 * HOURS,
			decision_period: 14 * DAYS,
			confirm_period: DAYS,
			min_enactment_period: DAYS,
			min_approval: linear(100, 50),
			min_support: linear(50, 0),
		},
	},
	Track {
		id: LENDING_ADMIN,
		info: TrackInfo {
			name: name("lending_admin"),
			max_deciding: 10,
			decision_deposit: 10_000 * UNIT,
			prepare_period: HOURS,
			decision_period: 7 * DAYS,
			confirm_period: 12 * HOURS,
			min_enactment_period: HOURS,
			min_approval: linear(100, 50),
			min_support: linear(20, 1),
		},
	},
	Track {
		id: LENDING_EMERGENCY,
		info: TrackInfo {
			name: name("lending_emergency"),
			max_deciding: 10,
			decision_deposit: 5_000 * UNIT,
			prepare_period: 10 * MINUTES,
			decision_period: DAYS,
			confirm_period: 10 * MINUTES,
			min_enactment_period: MINUTES,
			min_approval: linear(100, 60),
			min_support: linear(10, 1),
		},
	},
];

static FAST: [TrackOf; 3] = [
	Track {
		id: ROOT,
		info: TrackInfo {
			name: name("root"),
			max_deciding: 1,
			decision_deposit: 10 * UNIT,
			prepare_period: 2,
			decision_period: 40,
			confirm_period: 3,
			min_enactment_period: 1,
			min_approval: linear(100, 50),
			min_support: linear(10, 0),
		},
	},
	Track {
		id: LENDING_ADMIN,
		info: TrackInfo {
			name: name("lending_admin"),
			max_deciding: 10,
			decision_deposit: 10 * UNIT,
			prepare_period: 2,
			decision_period: 30,
			confirm_period: 3,
			min_enactment_period: 1,
			min_approval: linear(100, 50),
			min_support: linear(5, 0),
		},
	},
	Track {
		id: LENDING_EMERGENCY,
		info: TrackInfo {
			name: name("lending_emergency"),
			max_deciding: 10,
			decision_deposit: 5 * UNIT,
			prepare_period: 1,
			decision_period: 20,
			confirm_period: 2,
			min_enactment_period: 1,
			min_approval: linear(100, 60),
			min_support: linear(5, 0),
		},
	},
];

/// The tracks, with the periods the chain's preset chose.
pub struct TracksInfo;
impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin = <RuntimeOrigin as frame_support::traits::OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, TrackOf>> {
		let tracks = match origins::Timings::<crate::Runtime>::get() {
			TrackTimings::Production => &PRODUCTION,
			TrackTimings::Fast => &FAST,
		};
		tracks.iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		if let Ok(system) = frame_system::RawOrigin::try_from(origin.clone()) {
			return match system {
				frame_system::RawOrigin::Root => Ok(ROOT),
				_ => Err(()),
			};
		}
		match origins::Origin::try_from(origin.clone()) {
			Ok(origins::Origin::LendingAdmin) => Ok(LENDING_ADMIN),
			Ok(origins::Origin::LendingEmergency) => Ok(LENDING_EMERGENCY),
			Err(_) => Err(()),
		}
	}
}
