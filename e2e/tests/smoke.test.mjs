// Smoke test of the dev chain: blocks are produced and finalized, and a transfer made with
// @polkadot/api is included with its event and balance change.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  UNIT,
  connect,
  devAccounts,
  signAndWaitForInclusion,
  waitForBestBlock,
  waitForFinalizedBlock,
} from '../lib/chain.mjs';

let api;
before(async () => {
  api = await connect();
});
after(async () => {
  await api?.disconnect();
});

test('the dev chain produces blocks', async () => {
  const header = await waitForBestBlock(api, 2);
  assert.ok(header.number.toNumber() >= 2);
});

test('the dev chain finalizes blocks', async () => {
  const header = await waitForFinalizedBlock(api, 1);
  assert.ok(header.number.toNumber() >= 1);
});

test('a transfer from Alice to Bob is included with its event and balance change', async () => {
  const { alice, bob } = devAccounts();
  const amount = 12n * UNIT;
  const before = (await api.query.system.account(bob.address)).data.free.toBigInt();

  const tx = api.tx.balances.transferKeepAlive(bob.address, amount);
  const { blockHash, events } = await signAndWaitForInclusion(api, tx, alice);

  const transfer = events.find(({ event }) => api.events.balances.Transfer.is(event));
  assert.ok(transfer, 'a Balances.Transfer event');
  const [from, to, value] = transfer.event.data;
  assert.equal(from.toString(), alice.address);
  assert.equal(to.toString(), bob.address);
  assert.equal(value.toBigInt(), amount);

  const atBlock = await api.at(blockHash);
  const afterTransfer = (await atBlock.query.system.account(bob.address)).data.free.toBigInt();
  assert.equal(afterTransfer - before, amount);
});
