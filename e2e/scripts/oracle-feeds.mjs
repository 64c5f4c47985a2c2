#!/usr/bin/env node
// Checks that floor prices arrive from every feeder on a running chain: the feeders (Alice and
// Bob on the local testnet) are members and enough for a median; FloorPriceOracle.floorPrices of
// each demo collection updates after the check starts; Oracle.rawValues(feeder, collection) of
// every feeder exists and is fresh (fed within the last few blocks); the spot is near the demo
// floor. zombienet/oracle-feeds.js runs it against the network's full node; by hand:
//
//   RPC_URL=ws://127.0.0.1:9946 node e2e/scripts/oracle-feeds.mjs

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { RPC_URL, UNIT, connect, devAccounts, firstValue } from '../lib/chain.mjs';

/** The demo collections and their genesis floors (the demo feed moves within a few %). */
const DEMO_FLOORS = new Map([
  [0, 5_000n * UNIT],
  [1, 800n * UNIT],
  [2, 300n * UNIT],
]);

/** A raw feed at most this many blocks old counts as fresh here (feeders feed every block). */
const FRESH_BLOCKS = 4;

/**
 * Checks the feeds on the chain at `url`. `feederNames` are the dev accounts expected to feed
 * (`['alice', 'bob']` on the local testnet, `['aliceFeeder']` on `--dev`): each must be a member, all of
 * them together the minimum for a median, and each one's raw feed fresh. With `nearDemoFloors`
 * the spot prices must also be within 10% of the demo floors (not so right after a replayed
 * crash: the oracle's deviation guard lets a price climb back only step by step).
 */
export async function checkOracleFeeds(
  url = RPC_URL,
  say = () => {},
  { feederNames = ['alice', 'bob'], nearDemoFloors = true } = {},
) {
  const api = await connect(url);
  try {
    const accounts = devAccounts();
    const feeders = feederNames.map((name) => accounts[name]);
    const members = (await api.query.feederMembership.members()).map((m) => m.toString());
    for (const feeder of feeders) {
      assert.ok(members.includes(feeder.address), `${feeder.meta.name} is a feeder`);
    }
    const minimum = (await api.query.floorPriceOracle.minimumFeeders()).toNumber();
    assert.equal(minimum, feeders.length, `a median needs all ${feeders.length} feeders`);
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    say(`feeders ${members.length}, minimum ${minimum}, from block #${start}`);

    for (const [collection, floor] of DEMO_FLOORS) {
      // Two medians after the start: the price keeps being updated.
      const price = await firstValue(
        (callback) => api.query.floorPriceOracle.floorPrices(collection, callback),
        (value) => value.isSome && value.unwrap().updatedAt.toNumber() >= start + 2,
        120_000,
        `FloorPriceOracle.floorPrices(${collection}) was not updated after block #${start + 1}`,
      );
      // The borrowing series (the lower middle value of the feeds).
      const { lower: { spot, twap }, updatedAt } = price.unwrap();
      const head = await api.rpc.chain.getHeader();
      const now = head.number.toNumber();
      const at = await api.at(head.hash);
      for (const feeder of feeders) {
        const raw = await at.query.oracle.rawValues(feeder.address, collection);
        assert.ok(raw.isSome, `Oracle.rawValues(${feeder.meta.name}, ${collection}) exists`);
        const { value, timestamp } = raw.unwrap();
        const fedAt = timestamp.toNumber();
        assert.ok(
          fedAt > start && now - fedAt <= FRESH_BLOCKS,
          `${feeder.meta.name}'s feed of collection ${collection} is fresh (fed at #${fedAt}, now #${now})`,
        );
        assert.ok(value.lower.toBigInt() > 0n && value.lower.eq(value.upper), 'one price per feed');
      }
      const deviation = spot.toBigInt() > floor ? spot.toBigInt() - floor : floor - spot.toBigInt();
      if (nearDemoFloors) {
        assert.ok(deviation * 10n < floor, `spot ${spot} of collection ${collection} near ${floor}`);
      }
      say(`collection ${collection}: spot ${spot.toHuman()}, twap ${twap.toHuman()}, updated at #${updatedAt}`);
    }
  } finally {
    await api.disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  checkOracleFeeds(RPC_URL, (line) => console.log(line)).then(
    () => process.exit(0),
    (error) => {
      console.error(`oracle-feeds: ${error.message}`);
      process.exit(1);
    },
  );
}
