//! The pallets `benchmark pallet` measures (node built with `--features runtime-benchmarks`).
//! Add a pallet's benchmarks here when it joins the runtime.

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_utility, Utility]
	[pallet_sudo, Sudo]
	[pallet_nfts, Nfts]
	[pallet_nft_lending, NftLending]
	[pallet_floor_price_oracle, FloorPriceOracle]
);
