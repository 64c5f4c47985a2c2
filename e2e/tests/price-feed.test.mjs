// The node's demo price feed: it serves floor prices for the demo collections, the node hands
// its URL to the oracle's off-chain worker through the off-chain persistent storage, and the
// feeder's (Alice's) prices reach the chain within a few blocks.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { stringToHex } from '@polkadot/util';

import { RPC_URL, connect } from '../lib/chain.mjs';
import { checkOracleFeeds } from '../scripts/oracle-feeds.mjs';

const PRICE_FEED_URL = process.env.PRICE_FEED_URL ?? 'http://127.0.0.1:8089/prices';
const SOURCE_URL_KEY = 'floor-price-oracle::source-url';

let api;
before(async () => {
  api = await connect();
});
after(async () => {
  await api?.disconnect();
});

test('the demo feed serves a floor price for each demo collection', async () => {
  const response = await fetch(PRICE_FEED_URL);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.ok(Number.isInteger(body.timestamp));
  assert.deepEqual(
    body.prices.map((p) => p.collection),
    [0, 1, 2],
  );
  for (const { floor } of body.prices) {
    assert.match(floor, /^[0-9]+$/, 'floors are u128 decimal strings');
    assert.ok(BigInt(floor) > 0n);
  }
});

test('the crash and normal scenarios are switched over HTTP', async () => {
  const base = new URL(PRICE_FEED_URL);
  const crash = await fetch(new URL('/scenario/crash?collection=2', base), { method: 'POST' });
  assert.equal(crash.status, 200);
  assert.equal((await crash.json()).scenario, 'crash');
  const current = await (await fetch(new URL('/scenario', base))).json();
  assert.equal(current.collection, 2);
  const normal = await fetch(new URL('/scenario/normal', base), { method: 'POST' });
  assert.equal((await normal.json()).scenario, 'normal');
});

test('the off-chain worker finds the feed URL in the off-chain storage', async () => {
  const stored = await api.rpc.offchain.localStorageGet('PERSISTENT', stringToHex(SOURCE_URL_KEY));
  assert.ok(stored.isSome, `off-chain storage holds ${SOURCE_URL_KEY}`);
  assert.equal(stored.unwrap().toUtf8(), PRICE_FEED_URL);
});

test("the feeder's prices reach the chain within a few blocks", { timeout: 3 * 60_000 }, async () => {
  // Alice's raw feed of every demo collection is at most a few blocks old, and the median
  // (FloorPriceOracle.floorPrices) is updated twice after the check starts. Not near the demo
  // floors necessarily: the lifecycle test may just have replayed a crash.
  await checkOracleFeeds(RPC_URL, () => {}, { feederNames: ['aliceFeeder'], nearDemoFloors: false });
});
