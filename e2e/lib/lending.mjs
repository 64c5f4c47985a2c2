// Helpers for the lending protocol's end-to-end tests: events by name, balances, fees, the pool
// accounts, NFT owners, the demo price feed's scenarios.

import { bnToU8a, stringToU8a, u8aConcat } from '@polkadot/util';

/** The node's demo price feed, from PRICE_FEED_URL (set by scripts/test.sh). */
export const PRICE_FEED_URL = process.env.PRICE_FEED_URL ?? 'http://127.0.0.1:8089/prices';

/** Parts per billion of `percent`%: how Perbill values travel. */
export function perbill(percent) {
  return Math.round(percent * 10_000_000);
}

/** The events (not records) of `records` emitted by `pallet.name`, e.g. `('nftLending', 'Borrowed')`. */
export function eventsNamed(api, records, pallet, name) {
  const kind = api.events[pallet]?.[name];
  if (!kind) throw new Error(`the metadata has no event ${pallet}.${name}`);
  return records.map((r) => r.event ?? r).filter((event) => kind.is(event));
}

/** The one event `pallet.name` of `records`; fails saying which event is missing. */
export function theEvent(api, records, pallet, name, where = 'the transaction') {
  const found = eventsNamed(api, records, pallet, name);
  if (found.length !== 1) {
    const seen = records.map((r) => {
      const e = r.event ?? r;
      return `${e.section}.${e.method}`;
    });
    throw new Error(
      `expected one ${pallet}.${name} event in ${where}, found ${found.length} (events: ${seen.join(', ')})`,
    );
  }
  return found[0];
}

/** A predicate for `EventLog.waitFor`: event `pallet.name` whose data matches `fields`. */
export function eventMatching(api, pallet, name, fields = {}) {
  const kind = api.events[pallet]?.[name];
  if (!kind) throw new Error(`the metadata has no event ${pallet}.${name}`);
  return (event) =>
    kind.is(event) &&
    Object.entries(fields).every(([field, value]) =>
      // A struct such as a loan id (`{ pool, index }`) prints as JSON, fields in order.
      event.data[field].toString() === (typeof value === 'object' ? JSON.stringify(value) : String(value)),
    );
}

/** What `who` paid in fees (and tips) for the transaction whose events are `records`. */
export function feePaid(api, records, who) {
  return eventsNamed(api, records, 'transactionPayment', 'TransactionFeePaid')
    .filter((event) => event.data.who.toString() === who.address)
    .reduce((sum, event) => sum + event.data.actualFee.toBigInt() + event.data.tip.toBigInt(), 0n);
}

/** `{ free, reserved }` of an account, at `blockHash` when given. */
export async function balances(api, who, blockHash) {
  const query = blockHash ? (await api.at(blockHash)).query : api.query;
  const { data } = await query.system.account(typeof who === 'string' ? who : who.address);
  return { free: data.free.toBigInt(), reserved: data.reserved.toBigInt() };
}

/** What the lending pallet holds of `who`'s balance for auction bids. */
export async function bidHold(api, who, blockHash) {
  const query = blockHash ? (await api.at(blockHash)).query : api.query;
  const holds = await query.balances.holds(who.address);
  return holds
    .filter(({ id }) => id.isNftLending && id.asNftLending.isAuctionBid)
    .reduce((sum, { amount }) => sum + amount.toBigInt(), 0n);
}

/**
 * The account of pool `pool`: the lending pallet's sub-account (`modl` + PalletId + pool id,
 * zero-padded to 32 bytes).
 */
export function poolAccount(api, pool) {
  const palletId = api.consts.nftLending.palletId.toU8a();
  const raw = u8aConcat(stringToU8a('modl'), palletId, bnToU8a(pool, { bitLength: 32 }));
  const account = new Uint8Array(32);
  account.set(raw.subarray(0, 32));
  return api.createType('AccountId32', account).toString();
}

/** The pool's ledger as stored (`NftLending.Pools`), at `blockHash` when given. */
export async function poolLedger(api, pool, blockHash) {
  const query = blockHash ? (await api.at(blockHash)).query : api.query;
  const stored = await query.nftLending.pools(pool);
  if (stored.isNone) throw new Error(`pool ${pool} does not exist`);
  const { ledger } = stored.unwrap();
  return {
    cash: ledger.cash.toBigInt(),
    reserve: ledger.reserve.toBigInt(),
    badDebt: ledger.badDebt.toBigInt(),
    totalShares: ledger.totalShares.toBigInt(),
    auctionDebt: ledger.auctionDebt.toBigInt(),
  };
}

/** The runtime API's figures of a pool (`NftLendingApi.pool`), at `blockHash` when given. */
export async function poolInfo(api, pool, blockHash) {
  const call = blockHash ? (await api.at(blockHash)).call : api.call;
  const info = await call.nftLendingApi.pool(pool);
  if (info.isNone) throw new Error(`the runtime API knows no pool ${pool}`);
  return info.unwrap();
}

/** The runtime API's figures of a loan (`NftLendingApi.loan`); `undefined` when there is none. */
export async function loanInfo(api, loan, blockHash) {
  const call = blockHash ? (await api.at(blockHash)).call : api.call;
  const info = await call.nftLendingApi.loan(loan);
  return info.isSome ? info.unwrap() : undefined;
}

/** The owner's address of an NFT, at `blockHash` when given. */
export async function nftOwner(api, collection, item, blockHash) {
  const query = blockHash ? (await api.at(blockHash)).query : api.query;
  const details = await query.nfts.item(collection, item);
  if (details.isNone) throw new Error(`NFT ${collection}/${item} does not exist`);
  return details.unwrap().owner.toString();
}

/**
 * Switches the demo price feed's scenario: `crash` (optionally of one collection) or `normal`.
 * Resolves with the feed's answer (`{ scenario, ... }`).
 */
export async function setPriceScenario(scenario, collection, feedUrl = PRICE_FEED_URL) {
  const url = new URL(`/scenario/${scenario}`, feedUrl);
  if (collection !== undefined) url.searchParams.set('collection', String(collection));
  const response = await fetch(url, { method: 'POST' });
  if (!response.ok) {
    throw new Error(`the demo price feed answered ${response.status} to POST ${url}`);
  }
  return response.json();
}

/**
 * `collection`'s entry in pool `pool` (its risk numbers, status and usage), or `null` when the pool
 * does not list it. Listings live in the pool's record: `NftLending.pools(pool).collections`.
 * `at` is an API (`api` or `await api.at(hash)`).
 */
export async function poolListing(at, pool, collection) {
  const stored = await at.query.nftLending.pools(pool);
  if (stored.isNone) return null;
  const found = stored.unwrap().collections.find(([id]) => id.toNumber() === Number(collection));
  return found ? found[1] : null;
}

/**
 * A loan id (`LoanId`: the pool and the loan's number in it) as a plain `{ pool, index }`, from
 * the codec an event, a storage entry or the runtime API carries. Calls take this form as it is.
 */
export function loanId(codec) {
  return { pool: codec.pool.toNumber(), index: codec.index.toNumber() };
}

/** `pool/index`, how the scripts print a loan id. */
export function loanName(loan) {
  return `${loan.pool}/${loan.index}`;
}

/**
 * The open loan `item` of `collection` backs, as a `{ pool, index }` (see `loanId`), or null: the
 * pledge (`loanOfNft`; closing a loan removes it), checked against the loan itself. `at` is `api`
 * or `await api.at(hash)`.
 */
export async function pledgedLoan(at, collection, item) {
  const entry = await at.query.nftLending.loanOfNft(collection, item);
  if (entry.isNone) return null;
  const loan = loanId(entry.unwrap());
  return (await at.query.nftLending.loans(loan)).isSome ? loan : null;
}
