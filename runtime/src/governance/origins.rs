//! Custom origins of the lending protocol's OpenGov tracks, and the choice of track timings.
//!
//! A referendum on the `lending_admin` track dispatches its call with the `LendingAdmin` origin;
//! on `lending_emergency`, with `LendingEmergency`. The lending pallet accepts `LendingAdmin` (or
//! root) for every governance call and `LendingEmergency` only to pause a pool.

pub use pallet_lending_origins::*;

#[frame_support::pallet]
pub mod pallet_lending_origins {
	use frame_support::pallet_prelude::*;

	#[pallet::config]
	pub trait Config: frame_system::Config {}

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The origins a lending referendum can dispatch with.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// Lists collections, sets risk numbers, creates pools, manages feeders.
		LendingAdmin,
		/// Pauses pools (and nothing else), on a shorter track.
		LendingEmergency,
	}

	/// The pace of the chain's human-scale clocks: the periods of the referendum tracks, and the
	/// windows of the oracle and the lending pallet (see `configs::lending::ChainWindows`).
	#[derive(
		PartialEq,
		Eq,
		Clone,
		Copy,
		Default,
		MaxEncodedLen,
		Encode,
		Decode,
		TypeInfo,
		Debug,
		serde::Serialize,
		serde::Deserialize,
	)]
	pub enum TrackTimings {
		/// Realistic periods (days), for networks people rely on.
		#[default]
		Production,
		/// Periods of a few blocks, so a referendum passes in minutes on a dev chain (and short
		/// price and lending windows: see `configs::lending`).
		Fast,
	}

	/// Which track timings this chain uses (set by the genesis preset). Read by every block
	/// (the oracle's TWAP window, the lending pallet's windows), so it stays in the node's cache:
	/// whitelisted in benchmarks like frame-system's per-block values.
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type Timings<T> = StorageValue<_, TrackTimings, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Track timings of the chain.
		pub timings: TrackTimings,
		#[serde(skip)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Timings::<T>::put(self.timings);
		}
	}

	macro_rules! decl_ensure {
		($name:ident) => {
			#[doc = concat!("Passes for the `", stringify!($name), "` origin only.")]
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					if let Ok(Origin::$name) = o.caller().try_into() {
						return Ok(());
					}
					Err(o)
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		};
	}
	decl_ensure!(LendingAdmin);
	decl_ensure!(LendingEmergency);
}
