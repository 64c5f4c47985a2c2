//! The off-chain worker, with `TestOffchainExt`, `TestTransactionPoolExt` and a keystore; HTTP
//! failures (status 500, timeouts) come from a scripted wrapper around `TestOffchainExt`.

use super::*;
use crate::{
	offchain::{parse_snapshot, source_url, FetchError, ParseError, Snapshot},
	Call as OracleCall, KEY_TYPE, SOURCE_URL_KEY,
};
use codec::{Decode, Encode};
use frame_support::{
	assert_ok,
	traits::{Hooks, UnfilteredDispatchable},
};
use sp_core::{
	offchain::{
		testing::{self, TestOffchainExt, TestTransactionPoolExt},
		Externalities, HttpError, HttpRequestId, HttpRequestStatus, OffchainDbExt,
		OffchainWorkerExt, OpaqueNetworkState, StorageKind, Timestamp, TransactionPoolExt,
	},
	sr25519, OpaquePeerId,
};
use sp_keystore::{testing::MemoryKeystore, Keystore, KeystoreExt};
use sp_runtime::{generic::Preamble, traits::Verify, RuntimeAppPublic};
use std::sync::{Arc, Mutex};

const URL: &str = "http://127.0.0.1:9955/floor-prices";
const SOURCE_TIME: u64 = 1_763_000_000_000;

/// How the scripted HTTP layer misbehaves.
#[derive(Clone, Copy, Debug)]
enum Fault {
	/// Answer with this status instead of 200.
	Status(u16),
	/// The response does not arrive before the deadline.
	Timeout,
	/// The status arrives, the body does not before the deadline.
	SlowBody,
}

/// `TestOffchainExt` with scripted failures, recording the deadlines it is given.
#[derive(Clone)]
struct ScriptedHttp {
	inner: TestOffchainExt,
	fault: Option<Fault>,
	deadlines: Arc<Mutex<Vec<Option<Timestamp>>>>,
}

impl Externalities for ScriptedHttp {
	fn is_validator(&self) -> bool {
		self.inner.is_validator()
	}
	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		self.inner.network_state()
	}
	fn timestamp(&mut self) -> Timestamp {
		self.inner.timestamp()
	}
	fn sleep_until(&mut self, deadline: Timestamp) {
		self.inner.sleep_until(deadline)
	}
	fn random_seed(&mut self) -> [u8; 32] {
		self.inner.random_seed()
	}
	fn http_request_start(
		&mut self,
		method: &str,
		uri: &str,
		meta: &[u8],
	) -> Result<HttpRequestId, ()> {
		self.inner.http_request_start(method, uri, meta)
	}
	fn http_request_add_header(
		&mut self,
		request_id: HttpRequestId,
		name: &str,
		value: &str,
	) -> Result<(), ()> {
		self.inner.http_request_add_header(request_id, name, value)
	}
	fn http_request_write_body(
		&mut self,
		request_id: HttpRequestId,
		chunk: &[u8],
		deadline: Option<Timestamp>,
	) -> Result<(), HttpError> {
		self.inner.http_request_write_body(request_id, chunk, deadline)
	}
	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		deadline: Option<Timestamp>,
	) -> Vec<HttpRequestStatus> {
		self.deadlines.lock().unwrap().push(deadline);
		match self.fault {
			Some(Fault::Status(code)) => vec![HttpRequestStatus::Finished(code); ids.len()],
			Some(Fault::Timeout) => vec![HttpRequestStatus::DeadlineReached; ids.len()],
			_ => self.inner.http_response_wait(ids, deadline),
		}
	}
	fn http_response_headers(&mut self, request_id: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		self.inner.http_response_headers(request_id)
	}
	fn http_response_read_body(
		&mut self,
		request_id: HttpRequestId,
		buffer: &mut [u8],
		deadline: Option<Timestamp>,
	) -> Result<usize, HttpError> {
		self.deadlines.lock().unwrap().push(deadline);
		match self.fault {
			Some(Fault::SlowBody) => Err(HttpError::DeadlineReached),
			_ => self.inner.http_response_read_body(request_id, buffer, deadline),
		}
	}
	fn set_authorized_nodes(&mut self, nodes: Vec<OpaquePeerId>, authorized_only: bool) {
		self.inner.set_authorized_nodes(nodes, authorized_only)
	}
}

/// A feeder node: chain state, off-chain state, pool and keystore.
struct FeederNode {
	ext: sp_io::TestExternalities,
	offchain: TestOffchainExt,
	pooled_bytes: Box<dyn Fn() -> Vec<Vec<u8>>>,
	deadlines: Arc<Mutex<Vec<Option<Timestamp>>>>,
}

impl FeederNode {
	/// A node holding `flor` keys for `seeds`, on a chain with the default feeders (Alice, Bob,
	/// Charlie) and collection 1 priced at 1000 in genesis.
	fn new(seeds: &[&str], fault: Option<Fault>) -> Self {
		let (offchain_ext, offchain) = TestOffchainExt::new();
		let (pool_ext, pool) = TestTransactionPoolExt::new();
		let keystore = MemoryKeystore::new();
		for seed in seeds {
			keystore
				.sr25519_generate_new(KEY_TYPE, Some(&format!("//{seed}")))
				.expect("memory keystore");
		}
		let deadlines = Arc::new(Mutex::new(Vec::new()));
		let scripted =
			ScriptedHttp { inner: offchain_ext.clone(), fault, deadlines: deadlines.clone() };

		// The feeder set is the node's own keys (Eve stands for a key outside the set).
		let mut feeders: Vec<AccountId> =
			seeds.iter().filter(|seed| **seed != "Eve").map(|seed| account(seed)).collect();
		if feeders.is_empty() {
			feeders.push(alice());
		}
		let mut ext = ExtBuilder::default().feeders(feeders).genesis_price(1, 1_000).build();
		ext.register_extension(OffchainWorkerExt::new(scripted));
		ext.register_extension(OffchainDbExt::new(offchain_ext.clone()));
		ext.register_extension(TransactionPoolExt::new(pool_ext));
		ext.register_extension(KeystoreExt::new(keystore));
		offchain.write().timestamp = Timestamp::from_unix_millis(SOURCE_TIME + 3_000);
		let pooled_bytes = Box::new(move || pool.read().transactions.clone());
		Self { ext, offchain: offchain_ext, pooled_bytes, deadlines }
	}

	fn with_source_url(mut self) -> Self {
		self.ext.execute_with(|| {
			sp_io::offchain::local_storage_set(
				StorageKind::PERSISTENT,
				SOURCE_URL_KEY,
				URL.as_bytes(),
			)
		});
		self
	}

	/// The source answers the next GET with `body`.
	fn serves(self, body: &str) -> Self {
		self.offchain.0.write().expect_request(testing::PendingRequest {
			method: "GET".into(),
			uri: URL.into(),
			headers: vec![("Accept".into(), "application/json".into())],
			response: Some(body.as_bytes().to_vec()),
			sent: true,
			..Default::default()
		});
		self
	}

	fn run_worker_at(&mut self, block: BlockNumber) {
		self.ext.execute_with(|| {
			run_to_block(block);
			FloorPriceOracle::offchain_worker(block);
		});
	}

	fn pooled(&self) -> Vec<Extrinsic> {
		(self.pooled_bytes)()
			.iter()
			.map(|bytes| Extrinsic::decode(&mut &bytes[..]).expect("pool holds our extrinsics"))
			.collect()
	}
}

fn snapshot_json(timestamp: u64, entries: &[(&str, &str)]) -> String {
	let prices: Vec<String> = entries
		.iter()
		.map(|(collection, floor)| format!(r#"{{"collection": {collection}, "floor": {floor}}}"#))
		.collect();
	format!(r#"{{"timestamp": {timestamp}, "prices": [{}]}}"#, prices.join(", "))
}

/// The signer and the call of a signed extrinsic, after checking its signature.
fn signed_call(extrinsic: &Extrinsic) -> (AccountId, RuntimeCall) {
	let Preamble::Signed(signer, signature, nonce) = &extrinsic.preamble else {
		panic!("not a signed transaction: {:?}", extrinsic.preamble);
	};
	let payload = signed_payload(&extrinsic.function, *nonce);
	assert!(signature.verify(&payload[..], signer), "signature checks out");
	(*signer, extrinsic.function.clone())
}

#[test]
fn an_http_response_becomes_exactly_one_signed_feed_transaction() {
	let body = snapshot_json(
		SOURCE_TIME,
		&[("1", r#""1100""#), ("2", "12000000000000000000000"), ("99", r#""5000""#)],
	);
	let mut node = FeederNode::new(&["Alice"], None).with_source_url().serves(&body);
	node.run_worker_at(2);

	let pooled = node.pooled();
	assert_eq!(pooled.len(), 1);
	node.ext.execute_with(|| {
		let (signer, call) = signed_call(&pooled[0]);
		assert_eq!(signer, alice());
		// Collection 99 is not tracked: dropped. The big number survives exactly.
		let expected = OracleCall::<Test>::submit_floor_prices {
			prices: vec![(1, 1_100), (2, 12_000_000_000_000_000_000_000)].try_into().unwrap(),
			observed_at: 2,
		};
		assert_eq!(call, RuntimeCall::FloorPriceOracle(expected.clone()));

		// Included in the next block, it is accepted.
		run_to_block(3);
		assert_ok!(expected.dispatch_bypass_filter(RuntimeOrigin::signed(signer)));
		assert_eq!(spot(1), 1_100);
		assert_eq!(spot(2), 12_000_000_000_000_000_000_000);
	});
	// The request had one deadline: the clock plus HttpTimeoutMillis.
	let expected_deadline = Timestamp::from_unix_millis(SOURCE_TIME + 3_000 + 2_000);
	assert!(node.deadlines.lock().unwrap().iter().all(|d| *d == Some(expected_deadline)));
}

#[test]
fn each_local_feeder_key_sends_its_own_transaction() {
	let body = snapshot_json(SOURCE_TIME, &[("1", "1000")]);
	let mut node = FeederNode::new(&["Alice", "Bob"], None).with_source_url().serves(&body);
	node.run_worker_at(2);

	let pooled = node.pooled();
	assert_eq!(pooled.len(), 2);
	node.ext.execute_with(|| {
		let mut signers: Vec<_> = pooled.iter().map(|xt| signed_call(xt).0).collect();
		signers.sort();
		let mut expected = vec![alice(), bob()];
		expected.sort();
		assert_eq!(signers, expected);
	});
}

#[test]
fn bad_json_produces_no_transaction() {
	for body in [
		"<html>502 Bad Gateway</html>",
		r#"{"timestamp": 1763000000000, "prices": [{"collection": 1, "floor": "12.5"}]}"#,
		r#"{"timestamp": 1763000000000, "prices": [{"collection": 1, "floor": -5}]}"#,
		r#"{"timestamp": 1763000000000, "prices": [{"collection": 1, "floor": 1e21}]}"#,
		r#"{"timestamp": 1763000000000, "prices": [{"collection": 1}]}"#,
		r#"{"prices": [{"collection": 1, "floor": "1000"}]}"#,
		"",
	] {
		let mut node = FeederNode::new(&["Alice"], None).with_source_url().serves(body);
		node.run_worker_at(2);
		assert!(node.pooled().is_empty(), "body {body:?} produced a transaction");
	}
}

#[test]
fn http_500_produces_no_transaction() {
	let body = snapshot_json(SOURCE_TIME, &[("1", "1000")]);
	let mut node =
		FeederNode::new(&["Alice"], Some(Fault::Status(500))).with_source_url().serves(&body);
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn a_timeout_produces_no_transaction() {
	let body = snapshot_json(SOURCE_TIME, &[("1", "1000")]);
	let mut node =
		FeederNode::new(&["Alice"], Some(Fault::Timeout)).with_source_url().serves(&body);
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
	let deadline = Timestamp::from_unix_millis(SOURCE_TIME + 3_000 + 2_000);
	assert_eq!(*node.deadlines.lock().unwrap(), vec![Some(deadline)]);
}

#[test]
fn a_body_that_does_not_arrive_in_time_produces_no_transaction() {
	let body = snapshot_json(SOURCE_TIME, &[("1", "1000")]);
	let mut node =
		FeederNode::new(&["Alice"], Some(Fault::SlowBody)).with_source_url().serves(&body);
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn without_a_source_url_nothing_is_fetched() {
	// No expected request: an HTTP call would panic in `TestOffchainExt`.
	let mut node = FeederNode::new(&["Alice"], None);
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn without_a_feeder_key_nothing_is_fetched() {
	let mut node = FeederNode::new(&[], None).with_source_url();
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn a_key_outside_the_feeder_set_is_not_used() {
	let mut node = FeederNode::new(&["Eve"], None).with_source_url();
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn the_worker_runs_once_per_block_height() {
	let body = snapshot_json(SOURCE_TIME, &[("1", "1000")]);
	let mut node = FeederNode::new(&["Alice"], None).with_source_url().serves(&body);
	node.run_worker_at(2);
	node.run_worker_at(2);
	assert_eq!(node.pooled().len(), 1);
}

#[test]
fn a_feeder_that_already_reported_this_block_does_not_send_again() {
	let mut node = FeederNode::new(&["Alice"], None).with_source_url();
	node.ext.execute_with(|| {
		run_to_block(2);
		assert_ok!(submit(alice(), &[(1, 1_000)]));
	});
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn a_stale_source_snapshot_is_skipped() {
	let old = SOURCE_TIME + 3_000 - MaxSourceAgeMillis::get() - 1;
	let body = snapshot_json(old, &[("1", "1000")]);
	let mut node = FeederNode::new(&["Alice"], None).with_source_url().serves(&body);
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn values_the_chain_would_reject_are_dropped_before_sending() {
	let too_high = (MaxFloorPrice::get() + 1).to_string();
	let body = snapshot_json(
		SOURCE_TIME,
		&[
			("1", "50000"),         // absurd against the fresh genesis spot of 1000
			("2", "0"),             // zero
			("3", &too_high),       // above MaxFloorPrice
			("4", "400"),           // fine
			("4", "500"),           // duplicate: the first one counts
			("99", "1000"),         // not tracked
			("99999999999", "100"), // not even a collection id
		],
	);
	let mut node = FeederNode::new(&["Alice"], None).with_source_url().serves(&body);
	node.run_worker_at(2);

	let pooled = node.pooled();
	assert_eq!(pooled.len(), 1);
	node.ext.execute_with(|| {
		let (_, call) = signed_call(&pooled[0]);
		let RuntimeCall::FloorPriceOracle(OracleCall::submit_floor_prices { prices, .. }) = call
		else {
			panic!("unexpected call");
		};
		assert_eq!(prices.into_inner(), vec![(4, 400)]);
	});
}

#[test]
fn nothing_acceptable_means_no_transaction() {
	let body = snapshot_json(SOURCE_TIME, &[("99", "1000")]);
	let mut node = FeederNode::new(&["Alice"], None).with_source_url().serves(&body);
	node.run_worker_at(2);
	assert!(node.pooled().is_empty());
}

#[test]
fn more_collections_than_fit_rotate_between_blocks() {
	let entries: Vec<(String, String)> =
		(1..=10).map(|id| (id.to_string(), "1000".to_string())).collect();
	let entries: Vec<(&str, &str)> =
		entries.iter().map(|(id, floor)| (id.as_str(), floor.as_str())).collect();
	let body = snapshot_json(SOURCE_TIME, &entries);
	let mut node = FeederNode::new(&["Alice"], None).with_source_url().serves(&body);
	node.run_worker_at(2);

	let pooled = node.pooled();
	node.ext.execute_with(|| {
		let (_, call) = signed_call(&pooled[0]);
		let RuntimeCall::FloorPriceOracle(OracleCall::submit_floor_prices { prices, .. }) = call
		else {
			panic!("unexpected call");
		};
		let ids: Vec<_> = prices.iter().map(|(id, _)| *id).collect();
		// 10 acceptable, 8 fit; block 2 starts at the third.
		assert_eq!(ids, vec![3, 4, 5, 6, 7, 8, 9, 10]);
	});
}

#[test]
fn snapshots_accept_floors_as_strings_or_numbers() {
	let body = br#"{"timestamp": 1763000000000, "source": "demo",
		"prices": [{"collection": 0, "floor": "12000000000000000"},
		           {"collection": 7, "floor": 340282366920938463463374607431768211455, "extra": 1}]}"#;
	assert_eq!(
		parse_snapshot(body),
		Ok(Snapshot {
			timestamp_millis: 1_763_000_000_000,
			prices: vec![(0, 12_000_000_000_000_000), (7, u128::MAX)],
		})
	);
	let overflow = br#"{"timestamp": 1, "prices": [{"collection": 0,
		"floor": "340282366920938463463374607431768211456"}]}"#;
	assert_eq!(parse_snapshot(overflow), Err(ParseError::InvalidFloor));
	assert_eq!(parse_snapshot(b"{"), Err(ParseError::Json));
}

#[test]
fn the_source_url_is_read_as_raw_utf8_or_scale() {
	let (offchain_ext, _) = TestOffchainExt::new();
	let mut ext = sp_io::TestExternalities::default();
	ext.register_extension(OffchainDbExt::new(offchain_ext));
	ext.execute_with(|| {
		assert_eq!(source_url(), Err(FetchError::NoSourceUrl));
		sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, SOURCE_URL_KEY, b" http://a/ ");
		assert_eq!(source_url().as_deref(), Ok("http://a/"));
		let scale = b"https://b/x".to_vec().encode();
		sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, SOURCE_URL_KEY, &scale);
		assert_eq!(source_url().as_deref(), Ok("https://b/x"));
		sp_io::offchain::local_storage_set(StorageKind::PERSISTENT, SOURCE_URL_KEY, b"ftp://c");
		assert_eq!(source_url(), Err(FetchError::InvalidSourceUrl));
	});
}

#[test]
fn the_feeder_key_is_bound_to_the_pallet_for_session_keys() {
	use sp_runtime::BoundToRuntimeAppPublic;
	assert_eq!(
		<<FloorPriceOracle as BoundToRuntimeAppPublic>::Public as RuntimeAppPublic>::ID,
		KEY_TYPE
	);
	let _: sr25519::Public =
		crate::crypto::FeederId::from(sr25519::Public::from_raw([0; 32])).into();
}
