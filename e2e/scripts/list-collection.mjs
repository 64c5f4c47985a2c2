#!/usr/bin/env node
// Lists a new NFT collection in the shared pool by OpenGov referendum, against a running dev
// chain (RPC from RPC_URL, default ws://127.0.0.1:9944):
//   1. Eve creates the collection with Nfts.create (it gets the next collection id);
//   2. Eve notes the preimage of Utility.batchAll([NftLending.addCollection(1, <id>, params),
//      FloorPriceOracle.setReferencePrice(<id>, 500 NFTL)]) (governance lists the collection and
//      gives the oracle its reference price in one proposal) and submits it as a referendum on the
//      lending_admin track (origin Origins.LendingAdmin), then places the decision deposit;
//   3. Alice, Bob and Charlie vote aye with 500,000 NFTL each (conviction Locked1x);
//   4. the script waits for Referenda.Confirmed and the enactment (Scheduler.Dispatched, ok),
//      then prints the collection's entry in the pool (in NftLending.pools(1).collections).
// On the dev chain's fast tracks this takes about a minute. Exits non-zero with a message
// saying what failed.
//
//   node e2e/scripts/list-collection.mjs          (or RPC_URL=ws://host:port node ...)

import { fileURLToPath } from 'node:url';

import { bnToU8a, compactAddLength, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { blake2AsU8a } from '@polkadot/util-crypto';

import { RPC_URL, UNIT, connect, devAccounts, signAndWaitForInclusion } from '../lib/chain.mjs';
import { EventLog } from '../lib/events.mjs';
import { eventMatching, perbill, poolListing, theEvent } from '../lib/lending.mjs';

/** The shared pool of the dev chain. */
const SHARED_POOL = 1;

/** Risk numbers of the new collection: those of an emerging collection. */
export const NEW_COLLECTION_PARAMS = {
  ltv: perbill(30),
  liquidationThreshold: perbill(55),
  debtCeiling: 10_000n * UNIT,
  maxLoans: 20,
  liquidationPenalty: perbill(8),
};

/** Governance's view of the new collection's floor, given to the oracle with the listing. */
export const NEW_COLLECTION_REFERENCE_PRICE = 500n * UNIT;

/** Each voter's stake: Alice, Bob and Charlie. */
const VOTE_BALANCE = 500_000n * UNIT;

/** The `lending_admin` track's id. */
const LENDING_ADMIN_TRACK = 1;

/**
 * The scheduler id of a referendum's enactment, as pallet-referenda names it:
 * `blake2_256(("assembly", "enactment", index).encode())`.
 */
export function enactmentId(index) {
  return blake2AsU8a(
    u8aConcat(
      stringToU8a('assembly'),
      compactAddLength(stringToU8a('enactment')),
      bnToU8a(index, { bitLength: 32 }),
    ),
    256,
  );
}

/**
 * Runs the whole flow; resolves with `{ collection, referendum, entry }` (`entry` the decoded
 * `PoolCollection`). `say` receives progress lines.
 */
export async function listCollection({
  url = RPC_URL,
  pool = SHARED_POOL,
  params = NEW_COLLECTION_PARAMS,
  say = () => {},
} = {}) {
  const api = await connect(url);
  const log = await EventLog.start(api);
  try {
    const { alice, bob, charlie, eve } = devAccounts();

    const created = await signAndWaitForInclusion(
      api,
      api.tx.nfts.create(eve.address, {
        settings: 0,
        maxSupply: null,
        mintSettings: {
          mintType: 'Issuer',
          price: null,
          startBlock: null,
          endBlock: null,
          defaultItemSettings: 0,
        },
      }),
      eve,
    );
    const collection = theEvent(api, created.events, 'nfts', 'Created').data.collection.toNumber();
    say(`Eve created NFT collection ${collection}`);

    const call = api.tx.utility.batchAll([
      api.tx.nftLending.addCollection(pool, collection, params),
      api.tx.floorPriceOracle.setReferencePrice(collection, NEW_COLLECTION_REFERENCE_PRICE),
    ]);
    const noted = await signAndWaitForInclusion(
      api,
      api.tx.preimage.notePreimage(call.method.toHex()),
      eve,
    );
    const hash = theEvent(api, noted.events, 'preimage', 'Noted').data.hash_.toHex();
    if (hash !== call.method.hash.toHex()) {
      throw new Error(`the noted preimage ${hash} is not the call's hash ${call.method.hash.toHex()}`);
    }
    say(
      `Preimage of batchAll(NftLending.addCollection(${pool}, ${collection}, ...), ` +
        `FloorPriceOracle.setReferencePrice(${collection}, ...)) noted: ${hash}`,
    );

    const submitted = await signAndWaitForInclusion(
      api,
      api.tx.referenda.submit(
        { Origins: 'LendingAdmin' },
        { Lookup: { hash, len: call.method.encodedLength } },
        { After: 1 },
      ),
      eve,
    );
    const submission = theEvent(api, submitted.events, 'referenda', 'Submitted').data;
    const referendum = submission.index.toNumber();
    if (submission.track.toNumber() !== LENDING_ADMIN_TRACK) {
      throw new Error(
        `referendum ${referendum} went to track ${submission.track}, not lending_admin (${LENDING_ADMIN_TRACK})`,
      );
    }
    say(`Referendum ${referendum} submitted on the lending_admin track`);

    const deposit = await signAndWaitForInclusion(
      api,
      api.tx.referenda.placeDecisionDeposit(referendum),
      eve,
    );
    theEvent(api, deposit.events, 'referenda', 'DecisionDepositPlaced');
    say('Decision deposit placed');

    const vote = {
      Standard: { vote: { aye: true, conviction: 'Locked1x' }, balance: VOTE_BALANCE },
    };
    await Promise.all(
      [alice, bob, charlie].map((voter) =>
        signAndWaitForInclusion(api, api.tx.convictionVoting.vote(referendum, vote), voter),
      ),
    );
    say('Alice, Bob and Charlie voted aye with 500,000 NFTL each (Locked1x)');

    // Prepare 2 blocks, then confirm 3 blocks, within a decision period of 30 blocks.
    const confirmed = await log.waitFor(
      eventMatching(api, 'referenda', 'Confirmed', { index: referendum }),
      `Referenda.Confirmed for referendum ${referendum}`,
      40 * 6_000,
    );
    say(`Referendum ${referendum} confirmed at block #${confirmed.block.number}`);

    const id = u8aToHex(enactmentId(referendum));
    const dispatched = await log.waitFor(
      (event) =>
        api.events.scheduler.Dispatched.is(event) &&
        event.data.id.isSome &&
        event.data.id.unwrap().toHex() === id,
      `Scheduler.Dispatched of referendum ${referendum}'s enactment`,
      10 * 6_000,
    );
    const result = dispatched.event.data.result;
    if (result.isErr) {
      const error = result.asErr;
      const detail = error.isModule
        ? (() => {
            const { section, name } = api.registry.findMetaError(error.asModule);
            return `${section}.${name}`;
          })()
        : error.toString();
      throw new Error(`the enactment of referendum ${referendum} failed: ${detail}`);
    }
    say(`Enacted at block #${dispatched.block.number}`);

    const entry = await poolListing(await api.at(dispatched.block.hash), pool, collection);
    if (!entry) {
      throw new Error(
        `the referendum was enacted but NftLending.pools(${pool}) does not list ${collection}`,
      );
    }
    return { collection, referendum, entry };
  } finally {
    log.stop();
    await api.disconnect();
  }
}

async function main() {
  const { collection, entry } = await listCollection({ say: (line) => console.log(line) });
  console.log(
    `NftLending.pools(${SHARED_POOL}) lists ${collection}: ${JSON.stringify(entry.toHuman())}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`list-collection: ${error.message}`);
      process.exit(1);
    },
  );
}
