//! The feeders' off-chain worker: fetch floor prices over HTTP, keep what the chain would
//! accept, send one signed `submit_floor_prices` per local feeder key.
//!
//! Nothing here may panic or stall: every failure is logged and the worker returns. The whole
//! HTTP exchange (connect, status, body) shares one deadline of `HttpTimeoutMillis`, and the body
//! is capped at [`MAX_RESPONSE_BYTES`].

use alloc::{collections::btree_set::BTreeSet, vec::Vec};
use frame_support::{traits::Get, BoundedVec};
use frame_system::{
	offchain::{SendSignedTransaction, Signer},
	pallet_prelude::BlockNumberFor,
};
use serde::Deserialize;
use serde_json::value::RawValue;
use sp_core::offchain::{Duration, HttpError, StorageKind};
use sp_runtime::{
	offchain::{
		http,
		storage::StorageValueRef,
		storage_lock::{StorageLock, Time},
	},
	traits::SaturatedConversion,
};

use crate::{Call, Config, FeederSubmissions, Pallet, SubmittedPrices, LOG_TARGET};
use frame_support::traits::SortedMembers;

/// Persistent off-chain local storage key holding the price source URL, as raw UTF-8 bytes.
///
/// Set it with the `offchain_localStorageSet` RPC (`PERSISTENT`, this key, the URL) or with the
/// node's CLI flag.
pub const SOURCE_URL_KEY: &[u8] = b"floor-price-oracle::source-url";

/// Block number of the last run that went past the key check: one run per block height.
pub const LAST_RUN_KEY: &[u8] = b"floor-price-oracle::last-run";

/// Lock that keeps two overlapping runs from fetching at the same time.
pub const LOCK_KEY: &[u8] = b"floor-price-oracle::lock";

/// Largest accepted response body.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Why a fetch produced nothing.
#[derive(Debug, PartialEq, Eq)]
pub enum FetchError {
	/// No URL under [`SOURCE_URL_KEY`].
	NoSourceUrl,
	/// The stored URL is not `http(s)://` UTF-8.
	InvalidSourceUrl,
	/// The request could not be started or failed.
	Http(HttpError),
	/// The request failed before a response.
	RequestFailed,
	/// The source answered with a status other than 200.
	Status(u16),
	/// The deadline passed before the response was complete.
	Timeout,
	/// The body is larger than [`MAX_RESPONSE_BYTES`].
	TooLarge,
}

/// Why a body could not be read as a price snapshot.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
	/// Not JSON of the expected shape.
	Json,
	/// An entry's `floor` is not a non-negative integer that fits in `u128`.
	InvalidFloor,
}

#[derive(Deserialize)]
struct SnapshotJson<'a> {
	timestamp: u64,
	#[serde(borrow)]
	prices: Vec<EntryJson<'a>>,
}

#[derive(Deserialize)]
struct EntryJson<'a> {
	collection: u64,
	#[serde(borrow)]
	floor: &'a RawValue,
}

/// A source's answer: when it priced, and `(collection, floor)` pairs as it gave them.
#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot {
	/// Unix time in milliseconds at which the source computed the prices.
	pub timestamp_millis: u64,
	/// `(collection, floor price in smallest units)`, in the source's order.
	pub prices: Vec<(u64, u128)>,
}

/// Parses `{"timestamp": <unix ms>, "prices": [{"collection": <id>, "floor": <price>}, ...]}`.
///
/// `floor` may be a JSON string of digits or a JSON integer: prices in smallest units often
/// exceed what JSON numbers carry safely, so both are read as exact `u128`. Fractions, exponents,
/// signs or anything else reject the whole snapshot. Unknown fields are ignored.
pub fn parse_snapshot(body: &[u8]) -> Result<Snapshot, ParseError> {
	let json: SnapshotJson = serde_json::from_slice(body).map_err(|_| ParseError::Json)?;
	let prices = json
		.prices
		.iter()
		.map(|entry| Ok((entry.collection, parse_floor(entry.floor)?)))
		.collect::<Result<Vec<_>, ParseError>>()?;
	Ok(Snapshot { timestamp_millis: json.timestamp, prices })
}

fn parse_floor(raw: &RawValue) -> Result<u128, ParseError> {
	let text = raw.get().trim();
	let digits = match text.strip_prefix('"') {
		Some(quoted) => quoted.strip_suffix('"').ok_or(ParseError::InvalidFloor)?,
		None => text,
	};
	if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
		return Err(ParseError::InvalidFloor);
	}
	digits.parse::<u128>().map_err(|_| ParseError::InvalidFloor)
}

/// The source URL from persistent local storage: raw UTF-8 (what `offchain_localStorageSet`
/// writes), or a SCALE-encoded string.
pub fn source_url() -> Result<alloc::string::String, FetchError> {
	let raw = sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, SOURCE_URL_KEY)
		.ok_or(FetchError::NoSourceUrl)?;
	let is_url = |text: &str| text.starts_with("http://") || text.starts_with("https://");
	if let Ok(text) = core::str::from_utf8(&raw) {
		let text = text.trim();
		if is_url(text) {
			return Ok(text.into());
		}
	}
	let decoded = <Vec<u8> as codec::Decode>::decode(&mut &raw[..])
		.map_err(|_| FetchError::InvalidSourceUrl)?;
	match core::str::from_utf8(&decoded) {
		Ok(text) if is_url(text.trim()) => Ok(text.trim().into()),
		_ => Err(FetchError::InvalidSourceUrl),
	}
}

/// GETs `url` within `timeout_millis`, returning the body of a 200 response.
pub fn fetch(url: &str, timeout_millis: u64) -> Result<Vec<u8>, FetchError> {
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(timeout_millis));
	let pending = http::Request::get(url)
		.add_header("Accept", "application/json")
		.deadline(deadline)
		.send()
		.map_err(FetchError::Http)?;
	let response = pending
		.try_wait(deadline)
		.map_err(|_| FetchError::Timeout)?
		.map_err(|_| FetchError::RequestFailed)?;
	if response.code != 200 {
		return Err(FetchError::Status(response.code));
	}
	let mut body = response.body();
	body.deadline(deadline);
	let mut bytes = Vec::new();
	for byte in body.by_ref() {
		if bytes.len() >= MAX_RESPONSE_BYTES {
			return Err(FetchError::TooLarge);
		}
		bytes.push(byte);
	}
	match body.error() {
		None => Ok(bytes),
		Some(HttpError::DeadlineReached) => Err(FetchError::Timeout),
		Some(error) => Err(FetchError::Http(*error)),
	}
}

impl<T: Config> Pallet<T> {
	/// One run of the off-chain worker for block `now`.
	pub(crate) fn run_offchain_worker(now: BlockNumberFor<T>) {
		let feeders = Self::local_feeders(now);
		if feeders.is_empty() {
			log::debug!(target: LOG_TARGET, "no local feeder key may submit at {now:?}");
			return;
		}
		let mut lock = StorageLock::<Time>::with_deadline(
			LOCK_KEY,
			Duration::from_millis(T::HttpTimeoutMillis::get().saturating_add(1_000)),
		);
		let Ok(_guard) = lock.try_lock() else {
			log::debug!(target: LOG_TARGET, "another run is still fetching; skipping {now:?}");
			return;
		};
		if !Self::claim_block(now) {
			log::debug!(target: LOG_TARGET, "already ran at height {now:?}");
			return;
		}

		let prices = match Self::fetch_acceptable_prices(now) {
			Ok(prices) if !prices.is_empty() => prices,
			Ok(_) => {
				log::debug!(target: LOG_TARGET, "nothing the chain would accept at {now:?}");
				return;
			}
			Err(error) => {
				log::warn!(target: LOG_TARGET, "no floor prices at {now:?}: {error:?}");
				return;
			}
		};

		let results = Signer::<T, T::AuthorityId>::all_accounts()
			.with_filter(feeders)
			.send_signed_transaction(|_| Call::submit_floor_prices {
				prices: prices.clone(),
				observed_at: now,
			});
		for (account, result) in results {
			match result {
				Ok(()) => log::debug!(
					target: LOG_TARGET,
					"{:?} sent {} floor prices at {now:?}",
					account.id,
					prices.len()
				),
				Err(()) => log::warn!(
					target: LOG_TARGET,
					"{:?} could not send its floor prices at {now:?}",
					account.id
				),
			}
		}
	}

	/// Local keystore keys whose accounts are feeders and have not yet reported an observation
	/// at `now`.
	fn local_feeders(now: BlockNumberFor<T>) -> Vec<T::Public> {
		Signer::<T, T::AuthorityId>::keystore_accounts()
			.filter(|account| T::Feeders::contains(&account.id))
			.filter(|account| {
				FeederSubmissions::<T>::get(&account.id).is_none_or(|last| last.observed_at < now)
			})
			.map(|account| account.public)
			.collect()
	}

	/// Records that this node ran at height `now`; false if it already did.
	fn claim_block(now: BlockNumberFor<T>) -> bool {
		let now = now.saturated_into::<u64>();
		StorageValueRef::persistent(LAST_RUN_KEY)
			.mutate(|last: Result<Option<u64>, _>| match last {
				Ok(Some(last)) if last == now => Err(()),
				_ => Ok(now),
			})
			.is_ok()
	}

	/// Fetches and parses the source, and keeps the prices the chain would accept now, at most
	/// `MaxFeedsPerSubmission` of them (rotating with the block number when there are more).
	fn fetch_acceptable_prices(now: BlockNumberFor<T>) -> Result<SubmittedPrices<T>, FetchFailure> {
		let url = source_url().map_err(FetchFailure::Fetch)?;
		let body = fetch(&url, T::HttpTimeoutMillis::get()).map_err(FetchFailure::Fetch)?;
		let snapshot = parse_snapshot(&body).map_err(FetchFailure::Parse)?;

		let clock = sp_io::offchain::timestamp().unix_millis();
		let max_age = T::MaxSourceAgeMillis::get();
		if snapshot.timestamp_millis.saturating_add(max_age) < clock {
			return Err(FetchFailure::StaleSource { timestamp_millis: snapshot.timestamp_millis });
		}

		let mut seen = BTreeSet::new();
		let mut acceptable: Vec<(T::CollectionId, u128)> = snapshot
			.prices
			.into_iter()
			.filter_map(|(id, price)| Some((T::CollectionId::try_from(id).ok()?, price)))
			.filter(|(collection, _)| seen.insert(*collection))
			.filter(|(collection, price)| {
				let verdict = Self::ensure_acceptable_price(collection, *price, now);
				if let Err(error) = &verdict {
					log::debug!(target: LOG_TARGET, "dropping {collection:?} = {price}: {error:?}");
				}
				verdict.is_ok()
			})
			.collect();

		let limit = T::MaxFeedsPerSubmission::get() as usize;
		if acceptable.len() > limit {
			let offset = now.saturated_into::<u64>() % acceptable.len() as u64;
			acceptable.rotate_left(offset as usize);
			acceptable.truncate(limit);
		}
		// Cannot fail: truncated to the bound above.
		Ok(BoundedVec::truncate_from(acceptable))
	}
}

/// Why a run sent nothing (logged).
#[derive(Debug, PartialEq, Eq)]
pub enum FetchFailure {
	/// The source could not be fetched.
	Fetch(FetchError),
	/// The body is not a valid snapshot.
	Parse(ParseError),
	/// The snapshot is older than `MaxSourceAgeMillis`.
	StaleSource {
		/// The snapshot's own timestamp (unix milliseconds).
		timestamp_millis: u64,
	},
}
