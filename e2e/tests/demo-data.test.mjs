// The dev chain starts with the demo data of the `development` preset: funded dev accounts and
// three NFT collections whose items belong to Alice, Bob, Charlie and Dave.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { UNIT, connect, devAccounts } from '../lib/chain.mjs';

let api;
before(async () => {
  api = await connect();
});
after(async () => {
  await api?.disconnect();
});

test('the chain presents its token as NFTL with 12 decimals', async () => {
  const properties = await api.rpc.system.properties();
  assert.equal(properties.tokenSymbol.unwrap()[0].toString(), 'NFTL');
  assert.equal(properties.tokenDecimals.unwrap()[0].toNumber(), 12);
});

test('the dev accounts are funded, and the price feeder enough for its fees', async () => {
  const { aliceFeeder, ...users } = devAccounts();
  for (const account of Object.values(users)) {
    const { data } = await api.query.system.account(account.address);
    assert.ok(data.free.toBigInt() > 100_000n * UNIT, `${account.meta.name} is funded`);
  }
  const { data } = await api.query.system.account(aliceFeeder.address);
  assert.ok(data.free.toBigInt() > 100n * UNIT, 'Alice//feeder can pay its fees');
  const feeders = (await api.query.feederMembership.members()).map((m) => m.toString());
  assert.deepEqual(feeders, [aliceFeeder.address], 'the dev chain feeds with a key of its own');
});

test('the three demo collections exist with their names and ten items each', async () => {
  const { alice, bob, charlie, dave } = devAccounts();
  const holders = [alice, bob, charlie, dave];
  const names = ['Polkadot Punks', 'Kusama Kitties', 'Substrate Sprites'];
  for (const [collection, name] of names.entries()) {
    const details = (await api.query.nfts.collection(collection)).unwrap();
    assert.equal(details.items.toNumber(), 10, `${name} has 10 items`);
    const metadata = (await api.query.nfts.collectionMetadataOf(collection)).unwrap();
    assert.equal(metadata.data.toUtf8(), name);
    for (let item = 0; item < 10; item++) {
      const details = (await api.query.nfts.item(collection, item)).unwrap();
      assert.equal(details.owner.toString(), holders[item % 4].address);
    }
  }
});
