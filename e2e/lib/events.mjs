// A record of every block's events from the moment it starts, so a test can wait for an event
// that a later block emits (the sweep's LoanUnhealthy, AuctionSettled, a referendum's
// Confirmed) without missing one that came before the wait began.

import { withTimeout } from './chain.mjs';

/**
 * Follows the best chain from the current head: every block (gaps filled in order) with its
 * hash, number and events. `waitFor` looks through the blocks seen so far, then the new ones.
 */
export class EventLog {
  /** Starts following the node's best blocks; resolves once the current head is recorded. */
  static async start(api) {
    const log = new EventLog(api);
    const head = await api.rpc.chain.getHeader();
    log.next = head.number.toNumber();
    log.unsubscribe = await api.rpc.chain.subscribeNewHeads((header) => {
      log.queue = log.queue.then(() => log.recordUpTo(header)).catch((error) => log.fail(error));
    });
    await log.queue;
    return log;
  }

  constructor(api) {
    this.api = api;
    this.blocks = [];
    this.waiters = new Set();
    this.queue = Promise.resolve();
    this.error = undefined;
  }

  /** Records the blocks from the last recorded one up to `header` (the new best block). */
  async recordUpTo(header) {
    const number = header.number.toNumber();
    for (; this.next <= number; this.next++) {
      const hash =
        this.next === number ? header.hash : await this.api.rpc.chain.getBlockHash(this.next);
      const events = await (await this.api.at(hash)).query.system.events();
      const block = { number: this.next, hash, events };
      this.blocks.push(block);
      for (const waiter of this.waiters) waiter.check(block);
    }
  }

  fail(error) {
    this.error = error;
    for (const waiter of this.waiters) waiter.reject(error);
  }

  /**
   * Resolves with `{ block, event }` for the first event (an `EventRecord`'s `event`) for which
   * `predicate(event, block)` holds, in the blocks recorded so far or in later ones. Rejects
   * after `timeoutMs` with "`what` did not happen".
   */
  waitFor(predicate, what, timeoutMs = 120_000) {
    if (this.error) return Promise.reject(this.error);
    const match = (block) => {
      const record = block.events.find(({ event }) => predicate(event, block));
      return record && { block, event: record.event };
    };
    let waiter;
    const found = new Promise((resolve, reject) => {
      for (const block of this.blocks) {
        const seen = match(block);
        if (seen) return resolve(seen);
      }
      waiter = {
        reject,
        check: (block) => {
          const seen = match(block);
          if (seen) resolve(seen);
        },
      };
      this.waiters.add(waiter);
    });
    return withTimeout(found, timeoutMs, `${what} did not happen`).finally(() =>
      this.waiters.delete(waiter),
    );
  }

  /** Every event of `blockHash` for which `predicate` holds (the block must be recorded). */
  eventsIn(blockHash, predicate = () => true) {
    const block = this.blocks.find((b) => b.hash.eq(blockHash));
    if (!block) throw new Error(`block ${blockHash.toHex()} was not recorded`);
    return block.events.map(({ event }) => event).filter(predicate);
  }

  stop() {
    this.unsubscribe?.();
  }
}
