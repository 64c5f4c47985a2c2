#!/usr/bin/env node
// One of the two feeders lies (SPEC section 11, A1 and A2), on the local testnet (`--chain local`:
// Alice and Bob feed prices, a median needs both). Bob's node serves its own demo price feed, and
// the script makes it lie through the feed's `/scenario/scale`:
//   1. Dave opens a healthy loan on his Punk 3;
//   2. Bob's source serves 10x Alice's for BLOCKS_HIGH blocks: in every block, what Bob's Punk 1
//      could borrow (`nftLendingApi.maxBorrow`) stays within ltv x Alice's price x 1.2;
//   3. Bob's source serves a tenth of Alice's for BLOCKS_LOW blocks: Dave's healthy loan is not
//      auctioned (no `LoanUnhealthy`), though the borrowing price falls with Bob's;
//   4. Bob's source is honest again, and Dave repays.
// zombienet/smoke.zndsl runs it against the full node (Bob's feed port from ZN_BOB_PRICE_FEED_PORT,
// default 8092); by hand, against a network started from zombienet/network.toml:
//
//   RPC_URL=ws://127.0.0.1:9963 node e2e/scripts/oracle-manipulation.mjs

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

import { RPC_URL, UNIT, connect, devAccounts, signAndWaitForInclusion } from '../lib/chain.mjs';
import { EventLog } from '../lib/events.mjs';
import { loanId, loanName, theEvent } from '../lib/lending.mjs';

const BLUE_CHIP_POOL = 0;
const PUNKS = 0;
/** The blue-chip pool's ltv. */
const LTV_PERCENT = 40n;
/** The oracle's deviation guard: a price may move 20% a block. */
const GUARD_PERCENT = 20n;
const BLOCKS_HIGH = Number(process.env.BLOCKS_HIGH ?? 100);
const BLOCKS_LOW = Number(process.env.BLOCKS_LOW ?? 30);
const BOB_FEED = `http://127.0.0.1:${process.env.ZN_BOB_PRICE_FEED_PORT ?? 8092}`;

/** Makes Bob's source serve every price times `factor`. */
async function scaleBobsSource(factor) {
  const url = new URL('/scenario/scale', BOB_FEED);
  url.searchParams.set('factor', String(factor));
  const response = await fetch(url, { method: 'POST' });
  if (!response.ok) throw new Error(`Bob's price feed answered ${response.status} to ${url}`);
}

/** Resolves at each new best block for `count` blocks, calling `each(header)`. */
async function everyBlock(api, count, each) {
  let seen = 0;
  let failure = null;
  await new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    api.rpc.chain
      .subscribeNewHeads(async (header) => {
        if (seen >= count || failure) return;
        seen += 1;
        try {
          await each(header);
        } catch (error) {
          failure = error;
        }
        if (seen >= count || failure) {
          unsubscribe();
          failure ? reject(failure) : resolve();
        }
      })
      .then((u) => {
        unsubscribe = u;
      }, reject);
  });
}

export async function runOracleManipulation(url = RPC_URL, say = () => {}) {
  const api = await connect(url);
  const log = await EventLog.start(api);
  const { alice, bob, dave } = devAccounts();
  try {
    const borrow = await signAndWaitForInclusion(
      api,
      api.tx.nftLending.borrow(BLUE_CHIP_POOL, PUNKS, 3, 1_000n * UNIT, null),
      dave,
    );
    const loan = loanId(theEvent(api, borrow.events, 'nftLending', 'Borrowed').data.loan);
    say(`Dave opened loan ${loanName(loan)}: 1,000 NFTL on Punk 3`);

    await scaleBobsSource(10);
    say(`Bob's price source now serves 10x; watching ${BLOCKS_HIGH} blocks`);
    let highest = 0n;
    let honestAtHighest = 0n;
    await everyBlock(api, BLOCKS_HIGH, async (header) => {
      const at = await api.at(header.hash);
      const honest = (await at.query.oracle.rawValues(alice.address, PUNKS)).unwrap().value.lower.toBigInt();
      const limit = await at.call.nftLendingApi.maxBorrow(BLUE_CHIP_POOL, PUNKS, 1);
      if (limit.isOk) {
        const amount = limit.asOk.toBigInt();
        const bound = (honest * LTV_PERCENT * (100n + GUARD_PERCENT)) / 10_000n;
        assert.ok(
          amount <= bound,
          `block #${header.number}: max_borrow ${amount} above ltv x honest price x 1.2 = ${bound}`,
        );
        if (amount > highest) [highest, honestAtHighest] = [amount, honest];
      }
    });
    const bobsValue = (await api.query.oracle.rawValues(bob.address, PUNKS)).unwrap().value.lower.toBigInt();
    const health = (await api.query.floorPriceOracle.floorPrices(PUNKS)).unwrap().upper.spot.toBigInt();
    say(
      `after ${BLOCKS_HIGH} blocks at 10x (Bob feeds ${bobsValue / UNIT} NFTL, the health spot is ` +
        `${health / UNIT}): max_borrow at most ${highest / UNIT} NFTL, honest price ` +
        `${honestAtHighest / UNIT} NFTL`,
    );

    await scaleBobsSource(0.1);
    say(`Bob's price source now serves a tenth; watching ${BLOCKS_LOW} blocks`);
    let bobsAccepted = 0;
    await everyBlock(api, BLOCKS_LOW, async (header) => {
      const info = await api.call.nftLendingApi.loan(loan);
      assert.ok(info.isSome && info.unwrap().status.isActive,
        `block #${header.number}: Dave's healthy loan left the active state`);
      const events = await (await api.at(header.hash)).query.system.events();
      bobsAccepted += events.filter(({ event }) =>
        api.events.floorPriceOracle.FloorPricesSubmitted.is(event) &&
        event.data.feeder.toString() === bob.address).length;
    });
    const unhealthy = log.blocks.flatMap((block) =>
      block.events.filter(({ event }) => api.events.nftLending.LoanUnhealthy.is(event)),
    );
    assert.equal(unhealthy.length, 0, `LoanUnhealthy fired: ${unhealthy.map((r) => r.event.toString())}`);
    const lower = (await api.query.floorPriceOracle.floorPrices(PUNKS)).unwrap().lower.spot.toBigInt();
    // Bob's tenths sit at the absurd factor's edge (10x below the TWAPs): some are refused.
    say(
      `after ${BLOCKS_LOW} blocks at a tenth (${bobsAccepted} of Bob's feeds accepted, borrowing ` +
        `spot ${lower / UNIT} NFTL): no loan auctioned`,
    );

    await scaleBobsSource(1);
    await signAndWaitForInclusion(api, api.tx.nftLending.repay(loan, 2_000n * UNIT), dave);
    say(`Bob's source is honest again; Dave repaid loan ${loanName(loan)}`);
  } finally {
    await scaleBobsSource(1).catch(() => {});
    log.stop();
    await api.disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runOracleManipulation(RPC_URL, (line) => console.log(line)).then(
    () => process.exit(0),
    (error) => {
      console.error(`oracle-manipulation: ${error.message}`);
      process.exit(1);
    },
  );
}
