//! Demo NFT collections, minted at genesis.
//!
//! pallet-nfts has no genesis config, so this pallet (no calls, no storage) creates the
//! collections of the dev and local presets through pallet-nfts' `nonfungibles_v2` traits, as a
//! user would with `create` and `mint`: each collection owner pays the collection and item
//! deposits (the presets fund them); the item owners pay nothing.

pub use pallet::*;

#[frame_support::pallet]
pub mod pallet {
	use alloc::{string::String, vec::Vec};
	use frame_support::{
		pallet_prelude::*,
		traits::tokens::nonfungibles_v2::{Create, Mutate},
	};
	use pallet_nfts::{
		CollectionConfig, CollectionSettings, ItemConfig, ItemSettings, MintSettings,
	};

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config:
		frame_system::Config + pallet_nfts::Config<CollectionId = u32, ItemId = u32>
	{
	}

	/// One demo collection: its id, its owner (who pays the deposits) and its items with their
	/// owners.
	pub type DemoCollection<AccountId> = (u32, AccountId, Vec<(u32, AccountId)>);

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Collections to create, in increasing id order starting at the next free id (0 on a
		/// new chain).
		pub collections: Vec<DemoCollection<T::AccountId>>,
		/// Collection metadata (a name) shown by Polkadot.js, per collection id.
		pub names: Vec<(u32, String)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (collection, owner, items) in &self.collections {
				let created = <pallet_nfts::Pallet<T> as Create<_, _>>::create_collection(
					owner,
					owner,
					&demo_collection_config::<T>(),
				)
				.expect("demo collection owner is funded for the collection deposit");
				assert_eq!(
					created, *collection,
					"demo collections must be listed in increasing id order, starting at 0"
				);
				for (item, item_owner) in items {
					// `true`: the collection owner pays the item deposit, not the item owner.
					<pallet_nfts::Pallet<T> as Mutate<_, _>>::mint_into(
						collection,
						item,
						item_owner,
						&ItemConfig { settings: ItemSettings::all_enabled() },
						true,
					)
					.expect("demo items are unique and their collection owner is funded");
				}
			}
			for (collection, name) in &self.names {
				let owner = self
					.collections
					.iter()
					.find(|(id, ..)| id == collection)
					.map(|(_, owner, _)| owner)
					.expect("a demo collection name refers to a demo collection");
				<pallet_nfts::Pallet<T> as Mutate<_, _>>::set_collection_metadata(
					Some(owner),
					collection,
					name.as_bytes(),
				)
				.expect("demo collection names fit the metadata limit and the owner is funded");
			}
		}
	}

	/// Everything unlocked, deposits required, only the owner mints.
	fn demo_collection_config<T: Config>() -> pallet_nfts::CollectionConfigFor<T> {
		CollectionConfig {
			settings: CollectionSettings::all_enabled(),
			max_supply: None,
			mint_settings: MintSettings::default(),
		}
	}
}
