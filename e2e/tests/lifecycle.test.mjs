// The lending lifecycle on the dev chain, as its users live it: a lender deposits and leaves; a
// borrower pledges a Punk, finds it locked, repays and gets it back; a loan at the edge of its
// ltv meets a replayed price crash and is auctioned to the higher of two bidders; a fixed-term
// loan runs overdue and its borrower redeems it from auction; wallets' runtime API queries.
//
// The stories use distinct accounts and NFTs and run concurrently (the crash and the auction
// take most of the time: about 3 minutes for the time-weighted price to fall below the loan's
// liquidation point, then a 20-block auction). Dev timings: 6-second blocks, TWAP window 20
// blocks, grace period 5 blocks, auctions 20 blocks, redeem within 8 blocks.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { UNIT, connect, devAccounts, signAndWaitForInclusion } from '../lib/chain.mjs';
import { EventLog } from '../lib/events.mjs';
import {
  balances,
  bidHold,
  eventMatching,
  eventsNamed,
  feePaid,
  loanId,
  loanInfo,
  loanName,
  nftOwner,
  pledgedLoan,
  poolAccount,
  poolInfo,
  poolLedger,
  setPriceScenario,
  theEvent,
} from '../lib/lending.mjs';
import { ONE, borrowLockedRepay, depositAndWithdraw, runtimeApiAnswers } from '../lib/stories.mjs';

const BLUE_CHIP_POOL = 0;
const SHARED_POOL = 1;
const PUNKS = 0;
const KITTIES = 1;
const MINUTE = 60_000;

const accounts = devAccounts();
let api;
let log;

before(async () => {
  api = await connect();
  log = await EventLog.start(api);
  // A previous run may have left a crash behind.
  await setPriceScenario('normal');
});

after(async () => {
  await setPriceScenario('normal').catch((error) => {
    console.error(`could not reset the demo price scenario: ${error.message}`);
  });
  log?.stop();
  await api?.disconnect();
});

/** Resolves when `settle` is called: lets one story wait for another. */
function milestone() {
  let settle;
  const reached = new Promise((resolve) => {
    settle = resolve;
  });
  return { reached, settle };
}

// The liquidation's balance checks need a block in which nothing else touches pool 0.
const lenderDone = milestone();
const borrowerDone = milestone();

describe('the lending lifecycle on the dev chain', { concurrency: true }, () => {
  test('a lender deposits into the blue-chip pool, gets shares, and withdraws them', {
    timeout: 3 * MINUTE,
  }, async () => {
    try {
      await depositAndWithdraw(api, {
        lender: accounts.daveStash,
        pool: BLUE_CHIP_POOL,
        amount: 10_000n * UNIT,
      });
    } finally {
      lenderDone.settle();
    }
  });

  test('a borrower pledges a Punk, cannot move it, repays in two steps and gets it back', {
    timeout: 3 * MINUTE,
  }, async () => {
    try {
      await borrowLockedRepay(api, {
        borrower: accounts.bob,
        recipient: accounts.bobStash,
        pool: BLUE_CHIP_POOL,
        collection: PUNKS,
        item: 1, // Bob's
        amount: 500n * UNIT,
        part: 200n * UNIT,
      });
    } finally {
      borrowerDone.settle();
    }
  });

  test('a loan near max ltv becomes unhealthy in a price crash and is auctioned to the higher bidder', {
    timeout: 8 * MINUTE,
  }, async () => {
    const borrower = accounts.charlie;
    const item = 2; // Charlie's Punk
    const [firstBidder, secondBidder] = [accounts.eve, accounts.ferdie];

    const limit = await api.call.nftLendingApi.maxBorrow(BLUE_CHIP_POOL, PUNKS, item);
    assert.ok(limit.isOk, `maxBorrow answers a limit (${limit.toString()})`);
    // 99% of the most: the price moves a little between the query and the block.
    const amount = (limit.asOk.toBigInt() * 99n) / 100n;
    const borrow = await signAndWaitForInclusion(
      api,
      api.tx.nftLending.borrow(BLUE_CHIP_POOL, PUNKS, item, amount, null),
      borrower,
    );
    const loan = loanId(theEvent(api, borrow.events, 'nftLending', 'Borrowed').data.loan);
    const opened = await loanInfo(api, loan, borrow.blockHash);
    const health = Number(opened.healthFactor.unwrap().toBigInt()) / 1e18;
    assert.ok(health > 1 && health < 1.9, `health factor ${health} near 0.7/0.4`);

    const crash = await setPriceScenario('crash', PUNKS);
    assert.equal(crash.scenario, 'crash');
    assert.equal(crash.collection, PUNKS);

    // The TWAP falls below debt / 70% about 3 minutes into the crash; the sweep then liquidates.
    const unhealthy = await log.waitFor(
      eventMatching(api, 'nftLending', 'LoanUnhealthy', { loan }),
      `NftLending.LoanUnhealthy for loan ${loanName(loan)} after the crash of Punks`,
      5 * MINUTE,
    );
    const started = log.eventsIn(
      unhealthy.block.hash,
      eventMatching(api, 'nftLending', 'AuctionStarted', { loan }),
    );
    assert.equal(started.length, 1, 'AuctionStarted in the same block as LoanUnhealthy');
    const auctionStarted = started[0].data;
    const debt = auctionStarted.debt.toBigInt();
    const penalty = auctionStarted.penalty.toBigInt();
    const valuation = unhealthy.event.data.valuation.toBigInt();
    assert.equal(unhealthy.event.data.debt.toBigInt(), debt);
    assert.ok((valuation * 70n) / 100n < debt, 'TWAP * threshold fell below the debt');
    assert.equal(penalty, (debt * 5n + 99n) / 100n, 'penalty: 5% of the debt, rounded up');
    const inAuction = await loanInfo(api, loan, unhealthy.block.hash);
    assert.ok(inAuction.status.isInAuction, 'the runtime API reports the loan in auction');
    assert.ok(inAuction.healthFactor.unwrap().toBigInt() < ONE, 'health factor below 1');
    const auction = (
      await (await api.at(unhealthy.block.hash)).query.nftLending.auctions(loan)
    ).unwrap();
    assert.ok(auction.reason.isUnhealthy);
    assert.equal(auction.endsAt.toNumber(), auctionStarted.endsAt.toNumber());

    // First bid: the minimum; second: enough to leave a surplus after debt and penalty.
    const minBid = auctionStarted.minBid.toBigInt();
    const expectedMin = debt < (valuation * 9n) / 10n ? debt : (valuation * 9n) / 10n;
    assert.ok(minBid >= expectedMin && minBid <= expectedMin + 1n,
      `first bid at least min(debt, 90% of valuation): ${minBid}`);
    const firstBefore = await balances(api, firstBidder);
    const bid1 = await signAndWaitForInclusion(api, api.tx.nftLending.bid(loan, minBid), firstBidder);
    const placed1 = theEvent(api, bid1.events, 'nftLending', 'BidPlaced');
    assert.equal(placed1.data.amount.toBigInt(), minBid);
    assert.equal(await bidHold(api, firstBidder, bid1.blockHash), minBid, 'the bid is held');

    const secondBid = debt + penalty + (debt * 3n) / 100n;
    const bid2 = await signAndWaitForInclusion(
      api,
      api.tx.nftLending.bid(loan, secondBid),
      secondBidder,
    );
    theEvent(api, bid2.events, 'nftLending', 'BidPlaced');
    const released = eventsNamed(api, bid2.events, 'balances', 'Released').filter(
      (e) => e.data.who.toString() === firstBidder.address,
    );
    assert.equal(released.length, 1, 'the outbid bid is released in the same call');
    assert.equal(released[0].data.amount.toBigInt(), minBid);
    assert.equal(await bidHold(api, firstBidder, bid2.blockHash), 0n);
    const firstAfter = await balances(api, firstBidder, bid2.blockHash);
    assert.equal(firstBefore.free - firstAfter.free, feePaid(api, bid1.events, firstBidder),
      'the outbid bidder has everything back but the fee');
    assert.equal(await bidHold(api, secondBidder, bid2.blockHash), secondBid);

    // Settlement by the sweep at the end block. Nothing else touches pool 0 by then.
    await Promise.all([lenderDone.reached, borrowerDone.reached]);
    const settled = await log.waitFor(
      eventMatching(api, 'nftLending', 'AuctionSettled', { loan }),
      `NftLending.AuctionSettled for loan ${loanName(loan)}`,
      3 * MINUTE,
    );
    const s = settled.event.data;
    assert.ok(settled.block.number >= auction.endsAt.toNumber(), 'not before the end block');
    assert.equal(s.winner.toString(), secondBidder.address);
    assert.equal(s.price.toBigInt(), secondBid);
    assert.equal(s.toPool.toBigInt(), debt);
    assert.equal(s.penalty.toBigInt(), penalty);
    assert.equal(s.shortfall.toBigInt(), 0n);
    const surplus = secondBid - debt - penalty;
    assert.equal(s.surplus.toBigInt(), surplus);
    assert.equal(
      log.eventsIn(settled.block.hash, eventMatching(api, 'nftLending', 'BadDebt', { loan })).length,
      0,
      'no bad debt: the bid covered the debt',
    );
    const closed = log.eventsIn(settled.block.hash, eventMatching(api, 'nftLending', 'LoanClosed', { loan }));
    assert.equal(closed.length, 1);
    assert.ok(closed[0].data.reason.isLiquidated);

    // Balances add up between the block before and the settlement block.
    const at = settled.block.hash;
    const parent = (await api.rpc.chain.getHeader(at)).parentHash;
    const account = poolAccount(api, BLUE_CHIP_POOL);
    const [borrowerBefore, borrowerAfter] = await Promise.all([
      balances(api, borrower, parent),
      balances(api, borrower, at),
    ]);
    assert.equal(borrowerAfter.free - borrowerBefore.free, surplus, 'the borrower gets the surplus');
    const [winnerBefore, winnerAfter] = await Promise.all([
      balances(api, secondBidder, parent),
      balances(api, secondBidder, at),
    ]);
    assert.equal(winnerBefore.free, winnerAfter.free);
    assert.equal(winnerBefore.reserved - winnerAfter.reserved, secondBid, 'the held bid is paid');
    assert.equal(await bidHold(api, secondBidder, at), 0n);
    const [poolBefore, poolAfter] = await Promise.all([
      balances(api, account, parent),
      balances(api, account, at),
    ]);
    assert.equal(poolAfter.free - poolBefore.free, debt + penalty, 'the pool account keeps debt + penalty');
    const [ledgerBefore, ledgerAfter] = await Promise.all([
      poolLedger(api, BLUE_CHIP_POOL, parent),
      poolLedger(api, BLUE_CHIP_POOL, at),
    ]);
    assert.equal(ledgerAfter.cash - ledgerBefore.cash, debt + penalty, 'cash: debt and penalty');
    assert.equal(ledgerBefore.auctionDebt - ledgerAfter.auctionDebt, debt, 'auction debt cleared');
    const reserveGain = ledgerAfter.reserve - ledgerBefore.reserve;
    // The reserve also takes its share of the interest accrued since the pool's last touch.
    assert.ok(reserveGain >= penalty && reserveGain < penalty + UNIT,
      `the reserve gets the penalty (${penalty}); it grew by ${reserveGain}`);
    assert.equal(ledgerAfter.badDebt, ledgerBefore.badDebt);

    const [infoBefore, infoAfter] = await Promise.all([
      poolInfo(api, BLUE_CHIP_POOL, parent),
      poolInfo(api, BLUE_CHIP_POOL, at),
    ]);
    assert.equal(infoAfter.cash.toBigInt() - infoBefore.cash.toBigInt(), debt + penalty);
    const debtDrop = infoBefore.debt.toBigInt() - infoAfter.debt.toBigInt();
    assert.ok(debtDrop <= debt && debtDrop > debt - UNIT, `pool debt fell by the auction's debt`);
    for (const info of [infoBefore, infoAfter]) {
      assert.equal(
        info.poolValue.toBigInt(),
        info.cash.toBigInt() + info.debt.toBigInt() - info.reserve.toBigInt(),
        'runtime API: pool_value = cash + debt - reserve',
      );
    }
    assert.ok(infoAfter.sharePrice.toBigInt() >= infoBefore.sharePrice.toBigInt(),
      'lenders lost nothing');

    assert.equal(await nftOwner(api, PUNKS, item, at), secondBidder.address, 'the winner has the Punk');
    const atSettledApi = await api.at(at);
    const atSettled = atSettledApi.query.nftLending;
    assert.ok((await atSettled.loans(loan)).isNone);
    assert.ok((await atSettled.auctions(loan)).isNone);
    assert.equal(await pledgedLoan(atSettledApi, PUNKS, item), null);
  });

  test('a fixed-term loan runs overdue, is auctioned, and its borrower redeems it', {
    timeout: 6 * MINUTE,
  }, async () => {
    const borrower = accounts.dave;
    const item = 3; // Dave's Kitty
    const amount = 100n * UNIT;
    const term = 20;
    const borrow = await signAndWaitForInclusion(
      api,
      api.tx.nftLending.borrow(SHARED_POOL, KITTIES, item, amount, term),
      borrower,
    );
    const borrowed = theEvent(api, borrow.events, 'nftLending', 'Borrowed');
    const loan = loanId(borrowed.data.loan);
    const openedAt = (await api.rpc.chain.getHeader(borrow.blockHash)).number.toNumber();
    assert.equal(borrowed.data.due.unwrap().toNumber(), openedAt + term, 'due after the term');
    assert.ok(borrowed.data.apr.isSome, 'a fixed-rate loan locks its APR');

    const info = await loanInfo(api, loan, borrow.blockHash);
    assert.equal(info.due.unwrap().toNumber(), openedAt + term);
    const overdueAt = info.overdueAt.unwrap().toNumber();
    assert.equal(overdueAt, openedAt + term + 5 + 1, 'overdue after the 5-block grace period');

    const overdue = await log.waitFor(
      eventMatching(api, 'nftLending', 'LoanOverdue', { loan }),
      `NftLending.LoanOverdue for loan ${loanName(loan)} (overdue at block #${overdueAt})`,
      (overdueAt - openedAt + 10) * 6_000,
    );
    assert.equal(overdue.block.number, overdueAt, 'liquidated at its overdue block, not before');
    const started = log.eventsIn(
      overdue.block.hash,
      eventMatching(api, 'nftLending', 'AuctionStarted', { loan }),
    );
    assert.equal(started.length, 1, 'AuctionStarted with LoanOverdue');
    const debt = started[0].data.debt.toBigInt();
    assert.ok(debt > amount, 'simple interest over the term');
    const auction = (await (await api.at(overdue.block.hash)).query.nftLending.auctions(loan)).unwrap();
    assert.ok(auction.reason.isOverdue);
    const fine = auction.redeemFine.toBigInt();
    assert.equal(fine, (debt * 5n + 99n) / 100n, 'redeem fine: 5% of the debt, rounded up');

    // Redeem within the redeem period: debt plus fine (to the reserve: nobody bid).
    const before = await balances(api, borrower);
    const reserveBefore = (await poolLedger(api, SHARED_POOL)).reserve;
    const redeem = await signAndWaitForInclusion(api, api.tx.nftLending.redeem(loan), borrower);
    const redeemed = theEvent(api, redeem.events, 'nftLending', 'Redeemed');
    assert.equal(redeemed.data.debt.toBigInt(), debt);
    assert.equal(redeemed.data.fine.toBigInt(), fine);
    assert.ok(redeemed.data.fineTo.isNone, 'no bidder: the fine goes to the reserve');
    const closed = theEvent(api, redeem.events, 'nftLending', 'LoanClosed');
    assert.ok(closed.data.reason.isRedeemed);
    const after = await balances(api, borrower, redeem.blockHash);
    assert.equal(before.free - after.free, debt + fine + feePaid(api, redeem.events, borrower));
    const reserveAfter = (await poolLedger(api, SHARED_POOL, redeem.blockHash)).reserve;
    assert.ok(reserveAfter - reserveBefore >= fine, 'the reserve got the fine');
    const atRedeem = await api.at(redeem.blockHash);
    assert.equal(await pledgedLoan(atRedeem, KITTIES, item), null, 'the Kitty is free again');
    assert.ok((await atRedeem.query.nftLending.auctions(loan)).isNone);
  });

  test('the runtime API answers pool, loan, max borrow and position queries', async () => {
    await runtimeApiAnswers(api);
  });
});
