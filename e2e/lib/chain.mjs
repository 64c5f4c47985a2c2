// Helpers for end-to-end tests against a running node: connect, wait for blocks and finality,
// sign and wait for inclusion. Every wait has a deadline and fails with a message saying what
// did not happen.

import { createConnection } from 'node:net';

import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';

/** The node's RPC endpoint, from RPC_URL (set by scripts/test.sh). */
export const RPC_URL = process.env.RPC_URL ?? 'ws://127.0.0.1:9944';

/** One NFTL in the smallest unit (12 decimals). */
export const UNIT = 10n ** 12n;

/** Rejects after `ms` with `message`, unless `promise` settles first. */
export function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (after ${ms / 1000} s)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Resolves once something accepts TCP connections at the websocket URL's host and port (a node
 * that is still starting): the client then connects at once instead of logging failed attempts.
 * Resolves with false when nothing listens there within `timeoutMs`.
 */
async function waitForListener(url, timeoutMs) {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise((resolve) => {
      const socket = createConnection({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Connects to the node; fails clearly when nothing answers. */
export async function connect(url = RPC_URL, timeoutMs = 30_000) {
  await cryptoWaitReady();
  if (!(await waitForListener(url, timeoutMs))) {
    throw new Error(`no node answered on ${url}: is it running? (after ${timeoutMs / 1000} s)`);
  }
  const provider = new WsProvider(url, 1_000);
  try {
    return await withTimeout(
      ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false }),
      timeoutMs,
      `no node answered on ${url}: is it running?`,
    );
  } catch (error) {
    await provider.disconnect();
    throw error;
  }
}

/**
 * The dev accounts (sr25519 //Alice, //Bob, ...) and their stashes (//Alice//stash as
 * `aliceStash`, ...): the 12 accounts the genesis presets fund; and `aliceFeeder`
 * (//Alice//feeder), the dev chain's price feeder.
 */
export function devAccounts() {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const accounts = {};
  for (const name of ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie']) {
    const key = name.toLowerCase();
    accounts[key] = keyring.addFromUri(`//${name}`, { name });
    accounts[`${key}Stash`] = keyring.addFromUri(`//${name}//stash`, { name: `${name}//stash` });
  }
  accounts.aliceFeeder = keyring.addFromUri('//Alice//feeder', { name: 'Alice//feeder' });
  return accounts;
}

/**
 * Resolves with the first value for which `predicate` holds, from a subscription:
 * `subscribe(callback)` returns a promise of the unsubscribe function (as @polkadot/api's
 * subscriptions do). Rejects with `message` after `timeoutMs`.
 */
export async function firstValue(subscribe, predicate, timeoutMs, message) {
  let unsubscribe = () => {};
  try {
    return await withTimeout(
      new Promise((resolve, reject) => {
        subscribe((header) => {
          if (predicate(header)) resolve(header);
        })
          .then((unsub) => {
            unsubscribe = unsub;
          })
          .catch(reject);
      }),
      timeoutMs,
      message,
    );
  } finally {
    unsubscribe();
  }
}

/** Waits until the best block number reaches `number`. */
export function waitForBestBlock(api, number, timeoutMs = 60_000) {
  return firstValue(
    (cb) => api.rpc.chain.subscribeNewHeads(cb),
    (header) => header.number.toNumber() >= number,
    timeoutMs,
    `the node did not produce block #${number}`,
  );
}

/** Waits until the finalized block number reaches `number`. */
export function waitForFinalizedBlock(api, number, timeoutMs = 90_000) {
  return firstValue(
    (cb) => api.rpc.chain.subscribeFinalizedHeads(cb),
    (header) => header.number.toNumber() >= number,
    timeoutMs,
    `GRANDPA did not finalize block #${number}`,
  );
}

/**
 * Signs and sends `tx`, waits until it is in a block; resolves with `{ blockHash, events }`.
 * Rejects when the transaction is invalid, dropped, or its dispatch fails (with the pallet's
 * error name).
 */
export async function signAndWaitForInclusion(api, tx, signer, timeoutMs = 60_000) {
  const { blockHash, events, dispatchError } = await sendAndWatch(api, tx, signer, timeoutMs);
  if (dispatchError) {
    throw new Error(
      `${callName(tx)} by ${signerName(signer)} failed: ${describeDispatchError(api, dispatchError)}`,
    );
  }
  return { blockHash, events };
}

/**
 * Signs and sends `tx` and waits until it is in a block, whether its dispatch succeeds or not:
 * resolves with `{ blockHash, events, dispatchError }` (`dispatchError` undefined on success).
 * Rejects when the transaction never makes it into a block.
 *
 * An account that is also a price feeder (Alice and Bob on the local testnet) has its off-chain
 * worker sign a feed every block with the nonce of the chain state and the feed priority, which
 * can take the nonce of a transaction still in the pool (`Usurped`, or `1014: Priority is too low`
 * at submission). The transaction was not included then, so it is signed again with a fresh nonce
 * (up to `attempts` times). The dev chain feeds with a key of its own (`aliceFeeder`).
 */
export async function sendAndWatch(api, tx, signer, timeoutMs = 60_000, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce(api, tx, signer, timeoutMs);
    } catch (error) {
      if (!(error instanceof NotIncluded) || attempt >= attempts) throw error;
    }
  }
}

/** The transaction left the pool without being included in a block: safe to send again. */
class NotIncluded extends Error {}

function sendOnce(api, tx, signer, timeoutMs) {
  let unsubscribe = () => {};
  const what = `${callName(tx)} by ${signerName(signer)}`;
  const included = new Promise((resolve, reject) => {
    tx.signAndSend(signer, { nonce: -1 }, ({ status, events, dispatchError }) => {
      if (status.isUsurped) {
        reject(new NotIncluded(`${what}: transaction usurped by another with its nonce`));
      } else if (status.isInvalid || status.isDropped) {
        reject(new Error(`${what}: transaction ${status.type}`));
      } else if (status.isInBlock) {
        resolve({ blockHash: status.asInBlock, events, dispatchError });
      }
    })
      .then((unsub) => {
        unsubscribe = unsub;
      })
      .catch((error) => {
        const message = String(error?.message ?? error);
        const retry = /Priority is too low|Transaction is outdated|Transaction is stale/.test(
          message,
        );
        reject(new (retry ? NotIncluded : Error)(`${what}: rejected by the node: ${message}`));
      });
  });
  return withTimeout(included, timeoutMs, `${what} was not included in a block`).finally(() =>
    unsubscribe(),
  );
}

/**
 * Sends `tx` expecting its dispatch to fail with the module error `expected` (`'Pallet.Error'`,
 * e.g. `'Nfts.ItemLocked'`). Resolves with `{ blockHash, events, error }`; rejects, saying what
 * happened instead, when the call succeeds or fails otherwise.
 */
export async function expectModuleError(api, tx, signer, expected, timeoutMs = 60_000) {
  const { blockHash, events, dispatchError } = await sendAndWatch(api, tx, signer, timeoutMs);
  const what = `${callName(tx)} by ${signerName(signer)}`;
  if (!dispatchError) throw new Error(`${what} succeeded; expected it to fail with ${expected}`);
  const error = moduleError(api, dispatchError);
  const actual = error ? `${error.pallet}.${error.name}` : dispatchError.toString();
  if (actual !== expected) {
    throw new Error(`${what} failed with ${actual}; expected ${expected}`);
  }
  return { blockHash, events, error };
}

/**
 * `{ pallet, name, docs }` of a module error, with the pallet's name as in the metadata
 * (`Nfts`, `NftLending`); `undefined` for other dispatch errors.
 */
export function moduleError(api, dispatchError) {
  if (!dispatchError.isModule) return undefined;
  const module = dispatchError.asModule;
  const { name, docs } = api.registry.findMetaError(module);
  const pallet = api.runtimeMetadata.asLatest.pallets
    .find((p) => p.index.toNumber() === module.index.toNumber())
    ?.name.toString();
  return { pallet, name, docs: docs.join(' ') };
}

/** `Pallet.Error: docs` for a module error, the error's text otherwise. */
export function describeDispatchError(api, dispatchError) {
  const error = moduleError(api, dispatchError);
  if (error) return `${error.pallet}.${error.name}: ${error.docs}`;
  return dispatchError.toString();
}

/** `section.method` of a transaction, e.g. `nftLending.borrow`. */
function callName(tx) {
  return `${tx.method.section}.${tx.method.method}`;
}

function signerName(signer) {
  return signer.meta?.name ?? signer.address;
}
