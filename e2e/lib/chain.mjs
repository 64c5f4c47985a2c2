// Helpers for end-to-end tests against a running node: connect, wait for blocks and finality,
// sign and wait for inclusion. Every wait has a deadline and fails with a message saying what
// did not happen.

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

/** Connects to the node; fails clearly when nothing answers. */
export async function connect(url = RPC_URL, timeoutMs = 30_000) {
  await cryptoWaitReady();
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

/** The dev accounts (sr25519 //Alice, //Bob, ...). */
export function devAccounts() {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const named = (name) => keyring.addFromUri(`//${name}`, { name });
  return {
    alice: named('Alice'),
    bob: named('Bob'),
    charlie: named('Charlie'),
    dave: named('Dave'),
    eve: named('Eve'),
    ferdie: named('Ferdie'),
  };
}

/** Resolves with the first header for which `predicate` holds, from a header subscription. */
async function firstHeader(subscribe, predicate, timeoutMs, message) {
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
  return firstHeader(
    (cb) => api.rpc.chain.subscribeNewHeads(cb),
    (header) => header.number.toNumber() >= number,
    timeoutMs,
    `the node did not produce block #${number}`,
  );
}

/** Waits until the finalized block number reaches `number`. */
export function waitForFinalizedBlock(api, number, timeoutMs = 90_000) {
  return firstHeader(
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
export function signAndWaitForInclusion(api, tx, signer, timeoutMs = 60_000) {
  let unsubscribe = () => {};
  const included = new Promise((resolve, reject) => {
    tx.signAndSend(signer, ({ status, events, dispatchError }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
      } else if (status.isInBlock) {
        if (dispatchError) {
          reject(new Error(`dispatch failed: ${describeDispatchError(api, dispatchError)}`));
        } else {
          resolve({ blockHash: status.asInBlock, events });
        }
      }
    })
      .then((unsub) => {
        unsubscribe = unsub;
      })
      .catch(reject);
  });
  return withTimeout(
    included,
    timeoutMs,
    `${tx.method.section}.${tx.method.method} was not included in a block`,
  ).finally(() => unsubscribe());
}

/** `Pallet.Error: docs` for a module error, the error's text otherwise. */
export function describeDispatchError(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}: ${docs.join(' ')}`;
  }
  return dispatchError.toString();
}
