// Lending stories that hold on any chain of this runtime (the dev chain and the local testnet):
// a lender's deposit and withdrawal, a borrower's loan on a pledged NFT, the runtime API's
// answers. e2e/tests/lifecycle.test.mjs and the zombienet lifecycle run them. Each story
// asserts on events and state and throws (node:assert) on the first thing that is wrong.

import assert from 'node:assert/strict';

import { UNIT, devAccounts, expectModuleError, signAndWaitForInclusion } from './chain.mjs';
import {
  balances,
  eventsNamed,
  feePaid,
  loanId,
  loanInfo,
  loanName,
  nftOwner,
  pledgedLoan,
  poolInfo,
  poolLedger,
  theEvent,
} from './lending.mjs';

/** A share price or health factor (FixedU128) of exactly 1. */
export const ONE = 10n ** 18n;

/**
 * `lender` deposits `amount` into `pool`, gets shares (event, storage, runtime API positions),
 * then withdraws them and gets the amount back (plus a few blocks of interest at most).
 */
export async function depositAndWithdraw(api, { lender, pool, amount }) {
  const before = await balances(api, lender);
  const sharesBefore = (await api.query.nftLending.shares(pool, lender.address)).toBigInt();
  const ledger = await poolLedger(api, pool);

  const deposit = await signAndWaitForInclusion(api, api.tx.nftLending.deposit(pool, amount), lender);
  const deposited = theEvent(api, deposit.events, 'nftLending', 'Deposited');
  assert.equal(deposited.data.pool.toNumber(), pool);
  assert.equal(deposited.data.lender.toString(), lender.address);
  assert.equal(deposited.data.amount.toBigInt(), amount);
  const shares = deposited.data.shares.toBigInt();
  assert.ok(shares > 0n, 'the lender gets shares');
  // shares = amount * total_shares / pool_value, rounded down: at most one per unit (the share
  // price never falls below 1 without bad debt), about one while the pool is young.
  assert.ok(shares <= amount, 'the share price is at least 1, so shares <= amount');
  assert.ok(shares > (amount * 99n) / 100n, 'the share price is still near 1');
  const atDeposit = await api.at(deposit.blockHash);
  const sharesAfter = (await atDeposit.query.nftLending.shares(pool, lender.address)).toBigInt();
  assert.equal(sharesAfter - sharesBefore, shares, 'NftLending.shares holds the new shares');
  const afterDeposit = await balances(api, lender, deposit.blockHash);
  assert.equal(
    before.free - afterDeposit.free,
    amount + feePaid(api, deposit.events, lender),
    'the lender paid the amount and the fee',
  );
  const ledgerAfter = await poolLedger(api, pool, deposit.blockHash);
  assert.equal(ledgerAfter.totalShares - ledger.totalShares, shares, 'the pool minted exactly those');

  const positions = await atDeposit.call.nftLendingApi.positions(lender.address);
  const position = positions.deposits.find((d) => d.pool.toNumber() === pool);
  assert.ok(position, 'positions() lists the deposit');
  assert.equal(position.shares.toBigInt(), sharesAfter);

  const withdraw = await signAndWaitForInclusion(
    api,
    api.tx.nftLending.withdraw(pool, shares),
    lender,
  );
  const withdrawn = theEvent(api, withdraw.events, 'nftLending', 'Withdrawn');
  assert.equal(withdrawn.data.shares.toBigInt(), shares);
  const paidOut = withdrawn.data.amount.toBigInt();
  // Rounded down twice (shares, then payout); a few blocks of interest at most on top.
  assert.ok(paidOut >= amount - 2n, `paid out ${paidOut}, deposited ${amount}`);
  assert.ok(paidOut < amount + UNIT, `paid out ${paidOut}, deposited ${amount}`);
  const afterWithdraw = await balances(api, lender, withdraw.blockHash);
  assert.equal(
    afterWithdraw.free - afterDeposit.free,
    paidOut - feePaid(api, withdraw.events, lender),
  );
  const sharesLeft = await (await api.at(withdraw.blockHash)).query.nftLending.shares(
    pool,
    lender.address,
  );
  assert.equal(sharesLeft.toBigInt(), sharesBefore, 'the shares are burnt');
}

/**
 * `borrower` borrows `amount` from the variable-rate `pool` on an NFT they own; the NFT stays in
 * their wallet but cannot move (`Nfts.ItemLocked`); the runtime API reports the loan; they repay
 * `part`, then more than the rest (exactly the debt is taken) and the loan closes; the NFT moves
 * again (to `recipient` and back).
 */
export async function borrowLockedRepay(
  api,
  { borrower, recipient, pool, collection, item, amount, part },
) {
  assert.equal(await nftOwner(api, collection, item), borrower.address, 'the borrower owns the NFT');
  const limit = await api.call.nftLendingApi.maxBorrow(pool, collection, item);
  assert.ok(limit.isOk, `maxBorrow answers a limit (${limit.toString()})`);
  assert.ok(limit.asOk.toBigInt() > amount, 'the NFT covers the loan');
  const before = await balances(api, borrower);

  const borrow = await signAndWaitForInclusion(
    api,
    api.tx.nftLending.borrow(pool, collection, item, amount, null),
    borrower,
  );
  const borrowed = theEvent(api, borrow.events, 'nftLending', 'Borrowed');
  const loan = loanId(borrowed.data.loan);
  assert.equal(loan.pool, pool, "the loan's id names its pool");
  assert.equal(borrowed.data.borrower.toString(), borrower.address);
  assert.equal(borrowed.data.amount.toBigInt(), amount);
  assert.ok(borrowed.data.due.isNone, 'a variable-rate loan has no due block');
  const afterBorrow = await balances(api, borrower, borrow.blockHash);
  assert.equal(afterBorrow.free - before.free, amount - feePaid(api, borrow.events, borrower));
  const atBorrow = await api.at(borrow.blockHash);
  assert.deepEqual(await pledgedLoan(atBorrow, collection, item), loan);
  assert.equal(
    await nftOwner(api, collection, item, borrow.blockHash),
    borrower.address,
    "the pledged NFT stays in the borrower's wallet",
  );

  const info = await loanInfo(api, loan, borrow.blockHash);
  assert.ok(info, 'the runtime API knows the loan');
  assert.ok(info.status.isActive);
  assert.equal(info.borrower.toString(), borrower.address);
  assert.ok(info.debt.toBigInt() >= amount, 'debt rounds up');
  assert.ok(info.healthFactor.unwrap().toBigInt() > ONE, 'healthy');
  const pledged = await atBorrow.call.nftLendingApi.maxBorrow(pool, collection, item);
  assert.ok(pledged.isErr && pledged.asErr.isNftAlreadyPledged, 'no second loan on it');
  const positions = await atBorrow.call.nftLendingApi.positions(borrower.address);
  assert.ok(
    positions.loans.some(([id]) => loanName(loanId(id)) === loanName(loan)),
    'positions() lists the loan',
  );

  // Nobody can move a pledged NFT, its owner included.
  const locked = await expectModuleError(
    api,
    api.tx.nfts.transfer(collection, item, recipient.address),
    borrower,
    'Nfts.ItemLocked',
  );
  assert.equal(await nftOwner(api, collection, item, locked.blockHash), borrower.address);

  const first = await signAndWaitForInclusion(api, api.tx.nftLending.repay(loan, part), borrower);
  const repaid = theEvent(api, first.events, 'nftLending', 'Repaid');
  assert.equal(repaid.data.amount.toBigInt(), part);
  const remaining = repaid.data.remaining.toBigInt();
  assert.ok(
    remaining >= amount - part && remaining < amount - part + UNIT,
    `${remaining} left after repaying ${part} of ${amount} (plus a few blocks of interest)`,
  );
  assert.equal(eventsNamed(api, first.events, 'nftLending', 'LoanClosed').length, 0);
  const atFirst = await api.at(first.blockHash);
  assert.deepEqual(await pledgedLoan(atFirst, collection, item), loan, 'still pledged');

  // Offering more than the debt pays exactly the debt and closes the loan.
  const beforeFull = await balances(api, borrower, first.blockHash);
  const full = await signAndWaitForInclusion(
    api,
    api.tx.nftLending.repay(loan, amount * 2n),
    borrower,
  );
  const repaidAll = theEvent(api, full.events, 'nftLending', 'Repaid');
  assert.equal(repaidAll.data.remaining.toBigInt(), 0n);
  const paid = repaidAll.data.amount.toBigInt();
  assert.ok(paid >= remaining && paid < remaining + UNIT, `paid ${paid}, owed ${remaining} and up`);
  const closed = theEvent(api, full.events, 'nftLending', 'LoanClosed');
  assert.deepEqual(loanId(closed.data.loan), loan);
  assert.ok(closed.data.reason.isRepaid);
  const afterFull = await balances(api, borrower, full.blockHash);
  assert.equal(beforeFull.free - afterFull.free, paid + feePaid(api, full.events, borrower));
  const atFull = await api.at(full.blockHash);
  assert.ok((await atFull.query.nftLending.loans(loan)).isNone, 'the loan is gone');
  assert.equal(await pledgedLoan(atFull, collection, item), null, 'the NFT is free');

  // The NFT moves again.
  const moved = await signAndWaitForInclusion(
    api,
    api.tx.nfts.transfer(collection, item, recipient.address),
    borrower,
  );
  assert.equal(await nftOwner(api, collection, item, moved.blockHash), recipient.address);
  await signAndWaitForInclusion(
    api,
    api.tx.nfts.transfer(collection, item, borrower.address),
    recipient,
  );
  return { loan };
}

/**
 * The runtime API's answers on the genesis pools: pool figures that add up, nothing for unknown
 * pools and loans, the reason when a collection is not listed, max borrow on a Sprite, Ferdie's
 * genesis deposit in `positions`.
 */
export async function runtimeApiAnswers(api) {
  const [variablePool, fixedPool] = [0, 1];
  for (const pool of [variablePool, fixedPool]) {
    const info = await poolInfo(api, pool);
    assert.ok(info.status.isActive);
    assert.equal(info.fixedRate.isTrue, pool === fixedPool);
    assert.ok(info.cash.toBigInt() > 0n);
    assert.equal(
      info.poolValue.toBigInt(),
      info.cash.toBigInt() + info.debt.toBigInt() - info.reserve.toBigInt(),
      'pool_value = cash + debt - reserve',
    );
    assert.ok(info.borrowApr.toBigInt() >= (2n * ONE) / 100n, 'at least the 2% base rate');
    assert.ok(info.sharePrice.toBigInt() >= ONE);
  }
  assert.ok((await api.call.nftLendingApi.pool(999)).isNone, 'no pool 999');
  assert.equal(
    await loanInfo(api, { pool: variablePool, index: 4_000_000_000 }),
    undefined,
    'no such loan',
  );

  const notListed = await api.call.nftLendingApi.maxBorrow(variablePool, 1, 0);
  assert.ok(notListed.isErr && notListed.asErr.isCollectionNotListed, 'Kitties are not in pool 0');
  // A Sprite (floor about 300 NFTL) in the shared pool: ltv 30% of its valuation.
  const sprite = await api.call.nftLendingApi.maxBorrow(fixedPool, 2, 0);
  assert.ok(sprite.isOk, `maxBorrow on a Sprite: ${sprite.toString()}`);
  const max = sprite.asOk.toBigInt();
  assert.ok(max > 80n * UNIT && max < 100n * UNIT, `max borrow on a Sprite: ${max}`);

  const positions = await api.call.nftLendingApi.positions(devAccounts().ferdie.address);
  const genesisDeposit = positions.deposits.find((d) => d.pool.toNumber() === variablePool);
  assert.ok(genesisDeposit && genesisDeposit.shares.toBigInt() > 0n, "Ferdie's genesis deposit");
  assert.ok(genesisDeposit.value.toBigInt() >= 199_999n * UNIT, 'worth his 200,000 NFTL');
}
