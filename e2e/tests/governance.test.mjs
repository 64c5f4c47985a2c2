// Governance lists a collection: e2e/scripts/list-collection.mjs runs as users would run it (a
// child process against the node), and the chain is then checked on its own: the new NFT
// collection exists, the referendum was approved on the lending_admin track, and the shared
// pool lists the collection with the proposed risk numbers.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { RPC_URL, connect, devAccounts } from '../lib/chain.mjs';
import { poolListing } from '../lib/lending.mjs';
import {
  NEW_COLLECTION_PARAMS,
  NEW_COLLECTION_REFERENCE_PRICE,
} from '../scripts/list-collection.mjs';

const SCRIPT = fileURLToPath(new URL('../scripts/list-collection.mjs', import.meta.url));
const SHARED_POOL = 1;

let api;
before(async () => {
  api = await connect();
});
after(async () => {
  await api?.disconnect();
});

/** Runs the script; resolves with its exit code and output, whatever the code. */
function runScript(timeoutMs) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SCRIPT],
      { env: { ...process.env, RPC_URL }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => {
        resolve({ code: error ? (error.code ?? error.signal) : 0, stdout, stderr });
      },
    );
  });
}

test('a referendum on the lending_admin track lists a new collection in the shared pool', {
  timeout: 6 * 60_000,
}, async () => {
  const nextCollection = (await api.query.nfts.nextCollectionId()).unwrap().toNumber();
  const referendumsBefore = (await api.query.referenda.referendumCount()).toNumber();

  const { code, stdout, stderr } = await runScript(5 * 60_000);
  assert.equal(code, 0, `list-collection.mjs exited with ${code}:\n${stdout}\n${stderr}`);
  const printed = stdout.match(/NftLending\.pools\(1\) lists (\d+): (.+)$/m);
  assert.ok(printed, `the script prints the pool's entry:\n${stdout}`);
  const collection = Number(printed[1]);
  assert.equal(collection, nextCollection, 'Eve created the next collection id');
  assert.equal(JSON.parse(printed[2]).status, 'Listed');

  const details = (await api.query.nfts.collection(collection)).unwrap();
  assert.equal(details.owner.toString(), devAccounts().eve.address);

  assert.equal((await api.query.referenda.referendumCount()).toNumber(), referendumsBefore + 1);
  const info = await api.query.referenda.referendumInfoFor(referendumsBefore);
  assert.ok(info.unwrap().isApproved, `referendum ${referendumsBefore} is approved`);

  const entry = await poolListing(api, SHARED_POOL, collection);
  assert.ok(entry, `pool ${SHARED_POOL} lists collection ${collection}`);
  assert.ok(entry.status.isListed);
  assert.equal(entry.params.ltv.toNumber(), NEW_COLLECTION_PARAMS.ltv);
  assert.equal(
    entry.params.liquidationThreshold.toNumber(),
    NEW_COLLECTION_PARAMS.liquidationThreshold,
  );
  assert.equal(entry.params.debtCeiling.toBigInt(), NEW_COLLECTION_PARAMS.debtCeiling);
  assert.equal(entry.params.maxLoans.toNumber(), NEW_COLLECTION_PARAMS.maxLoans);
  assert.equal(
    entry.params.liquidationPenalty.toNumber(),
    NEW_COLLECTION_PARAMS.liquidationPenalty,
  );
  assert.equal(entry.openLoans.toNumber(), 0);
  assert.ok((await api.query.nftLending.pricedCollections(collection)).toNumber() >= 1,
    'the oracle now tracks the collection');
  assert.equal(
    (await api.query.floorPriceOracle.referencePrices(collection)).unwrap().toBigInt(),
    NEW_COLLECTION_REFERENCE_PRICE,
    'the same referendum gave the oracle its reference price',
  );
  const listing = (await api.call.nftLendingApi.listing(SHARED_POOL, collection)).unwrap();
  assert.equal(listing.roles.owner.unwrap().toString(), devAccounts().eve.address,
    'the listing shows who can freeze its items');
});
