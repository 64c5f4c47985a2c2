#!/usr/bin/env node
// The lending lifecycle on the local testnet (`--chain local`: production timings, loan terms of
// 7/30/90 days, a 6-hour TWAP), so only the parts that take a few blocks: a lender deposits and
// withdraws, a borrower pledges a Punk, cannot move it, repays and gets it back, and the runtime
// API answers. zombienet/lifecycle.js runs it against the network's full node; by hand:
//
//   RPC_URL=ws://127.0.0.1:9946 node e2e/scripts/lifecycle-local.mjs
//
// Accounts: Ferdie's stash lends, Dave borrows on his Punk 3 (zombienet funds the validators'
// and the full node's `//stash` accounts itself, so those are left alone).

import { fileURLToPath } from 'node:url';

import { RPC_URL, UNIT, connect, devAccounts } from '../lib/chain.mjs';
import { loanName } from '../lib/lending.mjs';
import { borrowLockedRepay, depositAndWithdraw, runtimeApiAnswers } from '../lib/stories.mjs';

/** Runs the stories concurrently against the node at `url`; rejects on the first failure. */
export async function runLocalLifecycle(url = RPC_URL, say = () => {}) {
  const api = await connect(url);
  try {
    const chain = (await api.rpc.system.chain()).toString();
    say(`lifecycle on ${chain} via ${url}`);
    const accounts = devAccounts();
    await Promise.all([
      depositAndWithdraw(api, { lender: accounts.ferdieStash, pool: 0, amount: 10_000n * UNIT }).then(
        () => say('lender: deposited, got shares, withdrew'),
      ),
      borrowLockedRepay(api, {
        borrower: accounts.dave,
        recipient: accounts.daveStash,
        pool: 0,
        collection: 0,
        item: 3, // Dave's Punk
        amount: 500n * UNIT,
        part: 200n * UNIT,
      }).then(({ loan }) => say(`borrower: loan ${loanName(loan)} opened, NFT locked, repaid, NFT back`)),
      runtimeApiAnswers(api).then(() => say('runtime API: pool, loan, maxBorrow, positions')),
    ]);
  } finally {
    await api.disconnect();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runLocalLifecycle(RPC_URL, (line) => console.log(line)).then(
    () => process.exit(0),
    (error) => {
      console.error(`lifecycle-local: ${error.message}`);
      process.exit(1);
    },
  );
}
