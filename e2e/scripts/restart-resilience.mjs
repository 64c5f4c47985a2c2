#!/usr/bin/env node
// Restart resilience of a two-validator local testnet (issue 7). Starts its own network from a
// generated raw chain spec (`build-spec --chain local --raw`), on loopback: Alice and Bob, both
// authorities, price feeders and GRANDPA voters, and Charlie, a full node (a validator with no
// peer at all stops authoring - Substrate's slot worker waits for the network when there are
// several authorities - so Charlie keeps Alice connected while Bob is down, as any real network
// would). Then:
//   1. the chain produces and finalizes blocks; Dave opens a loan (so there is one to watch);
//   2. Bob is stopped (SIGTERM to his process id). With two GRANDPA authorities finality needs
//      both: Alice keeps authoring her slots but finality stops, and nothing that users own
//      changes (NftLending.loans, a few balances, the pool accounts);
//   3. Bob is started again with the same flags on the same database: he catches up with
//      Alice's chain, finality resumes past every block authored while he was away, both nodes
//      agree on the finalized block, the watched state is unchanged, and a repayment sent
//      through Bob is finalized.
// Exits non-zero with a message saying what did not happen. Both nodes are stopped at the end
// (and on Ctrl-C); their logs stay in the work directory printed at the start.
//
//   NODE_BIN=~/.cache/nft-lending/target/release/nft-lending-node \
//     node e2e/scripts/restart-resilience.mjs

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { openSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  UNIT,
  connect,
  devAccounts,
  signAndWaitForInclusion,
  waitForBestBlock,
  waitForFinalizedBlock,
  withTimeout,
} from '../lib/chain.mjs';
import { loanId, loanName, poolAccount, theEvent } from '../lib/lending.mjs';

const NODE_BIN =
  process.env.NODE_BIN ?? path.join(homedir(), '.cache/nft-lending/target/release/nft-lending-node');

/** Blocks Alice must author alone, with finality standing still, while Bob is down. */
const BLOCKS_WHILE_DOWN = 4;

/**
 * `count` distinct TCP ports nobody listens on: all are held open until every one is chosen, so
 * the kernel cannot hand out the same port twice.
 */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
    }
    return servers.map((server) => server.address().port);
  } finally {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  }
}

/** Runs the node binary to completion (build-spec, key inspection); returns its stdout. */
function nodeOutput(args) {
  const result = spawnSync(NODE_BIN, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`cannot run ${NODE_BIN}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${NODE_BIN} ${args.join(' ')} exited with ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}

/** A node of the test network: its flags never change between starts. */
class Node {
  constructor({ name, dir, chainSpec, nodeKey, p2pPort, rpcPort, feedPort, bootnodes = [] }) {
    this.name = name;
    this.rpcUrl = `ws://127.0.0.1:${rpcPort}`;
    this.log = path.join(dir, `${name}.log`);
    const keyFile = path.join(dir, `${name}.node-key`);
    writeFileSync(keyFile, nodeKey);
    this.peerId = nodeOutput(['key', 'inspect-node-key', '--file', keyFile]).trim();
    this.p2pAddress = `/ip4/127.0.0.1/tcp/${p2pPort}/p2p/${this.peerId}`;
    // A validator (with a feed port): its session and feeder keys from its name (`--alice`),
    // its own demo price server. A full node otherwise.
    const role = feedPort
      ? [
          `--${name}`,
          '--validator',
          '--demo-price-feed', `127.0.0.1:${feedPort}`,
          '--price-feed-url', `http://127.0.0.1:${feedPort}/prices`,
        ]
      : ['--name', name];
    this.args = [
      '--chain', chainSpec,
      '--base-path', path.join(dir, name),
      ...role,
      '--node-key-file', keyFile,
      '--listen-addr', `/ip4/127.0.0.1/tcp/${p2pPort}`,
      '--rpc-port', String(rpcPort),
      '--no-mdns', '--no-telemetry', '--no-prometheus',
      ...bootnodes.flatMap((address) => ['--bootnodes', address]),
    ];
    this.process = undefined;
  }

  /** Starts the node (its log appended to `<name>.log`). */
  start() {
    const out = openSync(this.log, 'a');
    this.process = spawn(NODE_BIN, this.args, { stdio: ['ignore', out, out] });
    this.exited = new Promise((resolve) => this.process.once('exit', resolve));
    return this.process.pid;
  }

  /** Stops the node by its process id (SIGTERM, then SIGKILL after 30 s); waits for the exit. */
  async stop() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return;
    this.process.kill('SIGTERM');
    try {
      await withTimeout(this.exited, 30_000, `${this.name} did not stop on SIGTERM`);
    } catch {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }

  get running() {
    return this.process && this.process.exitCode === null && this.process.signalCode === null;
  }
}

/** What users own, as a comparable snapshot: every loan and some balances, at `blockHash`. */
async function snapshot(api, blockHash, accounts) {
  const at = await api.at(blockHash);
  const loans = (await at.query.nftLending.loans.entries())
    .map(([key, loan]) => `${key.args[0].toString()}=${loan.toHex()}`)
    .sort();
  const balances = {};
  for (const [name, address] of Object.entries(accounts)) {
    const { data } = await at.query.system.account(address);
    balances[name] = `${data.free.toString()}/${data.reserved.toString()}`;
  }
  // How many loans each pool has opened (the next loan's number in it).
  const loansOpened = (await at.query.nftLending.pools.entries())
    .map(([key, pool]) => `${key.args[0].toString()}=${pool.unwrap().loansOpened.toString()}`)
    .sort();
  return { loans, balances, loansOpened };
}

/** The number of the newest finalized block. */
async function finalizedNumber(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  return (await api.rpc.chain.getHeader(hash)).number.toNumber();
}

export async function restartResilience(say = () => {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'nft-lending-restart-'));
  say(`work directory (chain spec, databases, logs): ${dir}`);
  const chainSpec = path.join(dir, 'local.json');
  writeFileSync(chainSpec, nodeOutput(['build-spec', '--chain', 'local', '--raw', '--disable-default-bootnode']));

  const ports = await freePorts(8);
  const alice = new Node({
    name: 'alice', dir, chainSpec, nodeKey: '1'.padStart(64, '0'),
    p2pPort: ports[0], rpcPort: ports[1], feedPort: ports[2],
  });
  const charlie = new Node({
    name: 'charlie', dir, chainSpec, nodeKey: '3'.padStart(64, '0'),
    p2pPort: ports[6], rpcPort: ports[7], bootnodes: [alice.p2pAddress],
  });
  const bob = new Node({
    name: 'bob', dir, chainSpec, nodeKey: '2'.padStart(64, '0'),
    p2pPort: ports[3], rpcPort: ports[4], feedPort: ports[5],
    bootnodes: [alice.p2pAddress, charlie.p2pAddress],
  });
  const nodes = [alice, bob, charlie];
  const stopAll = () => {
    for (const node of nodes) if (node.running) node.process.kill('SIGTERM');
  };
  process.once('SIGINT', () => { stopAll(); process.exit(130); });
  process.once('SIGTERM', () => { stopAll(); process.exit(143); });

  const apis = [];
  try {
    for (const node of nodes) say(`${node.name} started, pid ${node.start()}, RPC ${node.rpcUrl}`);
    const apiAlice = await connect(alice.rpcUrl, 60_000);
    apis.push(apiAlice);
    let apiBob = await connect(bob.rpcUrl, 60_000);
    apis.push(apiBob);

    await Promise.all([waitForFinalizedBlock(apiAlice, 3, 120_000), waitForFinalizedBlock(apiBob, 3, 120_000)]);
    say('both validators author and finalize');

    const { dave, daveStash, eve, ferdie, ferdieStash } = devAccounts();
    const borrow = await signAndWaitForInclusion(
      apiAlice,
      apiAlice.tx.nftLending.borrow(0, 0, 7, 300n * UNIT, null), // Dave's Punk 7
      dave,
    );
    const loan = loanId(theEvent(apiAlice, borrow.events, 'nftLending', 'Borrowed').data.loan);
    const borrowedAt = (await apiAlice.rpc.chain.getHeader(borrow.blockHash)).number.toNumber();
    await waitForFinalizedBlock(apiAlice, borrowedAt, 60_000);
    say(`Dave's loan ${loanName(loan)} opened in block #${borrowedAt} and finalized`);

    const watched = {
      dave: dave.address,
      daveStash: daveStash.address,
      eve: eve.address,
      ferdie: ferdie.address,
      ferdieStash: ferdieStash.address,
      pool0: poolAccount(apiAlice, 0),
      pool1: poolAccount(apiAlice, 1),
    };
    const bestBefore = await apiAlice.rpc.chain.getHeader();
    const before = await snapshot(apiAlice, bestBefore.hash, watched);
    assert.ok(before.loans.length >= 1, 'there is a loan to watch');

    // Bob goes down.
    await apiBob.disconnect();
    apis.splice(apis.indexOf(apiBob), 1);
    const bobPid = bob.process.pid;
    await bob.stop();
    say(`bob (pid ${bobPid}) stopped at Alice's block #${bestBefore.number.toNumber()}`);

    // Alice goes on alone. Let a GRANDPA round that was under way end, then finality must
    // stand still while she authors BLOCKS_WHILE_DOWN more blocks.
    const downFrom = (await apiAlice.rpc.chain.getHeader()).number.toNumber();
    await waitForBestBlock(apiAlice, downFrom + 1, 60_000);
    const stalled = await finalizedNumber(apiAlice);
    const finalizedWhileDown = [];
    const unsubscribe = await apiAlice.rpc.chain.subscribeFinalizedHeads((header) => {
      if (header.number.toNumber() > stalled) finalizedWhileDown.push(header.number.toNumber());
    });
    const lastDown = await waitForBestBlock(apiAlice, downFrom + 1 + BLOCKS_WHILE_DOWN, 120_000);
    unsubscribe();
    assert.deepEqual(
      finalizedWhileDown,
      [],
      `GRANDPA finalized blocks ${finalizedWhileDown} with one of its two authorities down`,
    );
    assert.equal(await finalizedNumber(apiAlice), stalled, 'finality stands still while Bob is down');
    const bestWhileDown = lastDown.number.toNumber();
    say(`Alice authored up to #${bestWhileDown} alone; finality stayed at #${stalled}`);
    const whileDown = await snapshot(apiAlice, lastDown.hash, watched);
    assert.deepEqual(whileDown, before, 'loans and balances did not change while Bob was down');

    // Bob comes back with the same flags on his database.
    say(`bob restarted, pid ${bob.start()}`);
    apiBob = await connect(bob.rpcUrl, 60_000);
    apis.push(apiBob);
    await waitForBestBlock(apiBob, bestWhileDown, 120_000);
    say(`bob caught up to #${bestWhileDown}`);
    const [finalAlice, finalBob] = await Promise.all([
      waitForFinalizedBlock(apiAlice, bestWhileDown, 120_000),
      waitForFinalizedBlock(apiBob, bestWhileDown, 120_000),
    ]);
    say(`finality resumed: alice #${finalAlice.number}, bob #${finalBob.number}`);
    const [hashAlice, hashBob] = await Promise.all([
      apiAlice.rpc.chain.getBlockHash(bestWhileDown),
      apiBob.rpc.chain.getBlockHash(bestWhileDown),
    ]);
    assert.equal(hashBob.toHex(), hashAlice.toHex(), `both nodes finalized the same #${bestWhileDown}`);
    const afterRestart = await snapshot(apiBob, hashBob, watched);
    assert.deepEqual(afterRestart, before, 'the finalized state after the restart matches');

    // The restarted node takes transactions again: Dave repays through Bob.
    const repay = await signAndWaitForInclusion(
      apiBob,
      apiBob.tx.nftLending.repay(loan, 1_000n * UNIT),
      dave,
    );
    theEvent(apiBob, repay.events, 'nftLending', 'LoanClosed');
    const repaidAt = (await apiBob.rpc.chain.getHeader(repay.blockHash)).number.toNumber();
    await Promise.all([
      waitForFinalizedBlock(apiAlice, repaidAt, 60_000),
      waitForFinalizedBlock(apiBob, repaidAt, 60_000),
    ]);
    say(`Dave repaid loan ${loanName(loan)} through Bob in #${repaidAt}; finalized on both`);
  } finally {
    for (const api of apis) await api.disconnect().catch(() => {});
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const start = Date.now();
  restartResilience((line) => console.log(`[restart] ${line}`)).then(
    () => {
      console.log(`[restart] passed in ${Math.round((Date.now() - start) / 1000)} s`);
      process.exit(0);
    },
    (error) => {
      console.error(`restart-resilience: ${error.message}`);
      process.exit(1);
    },
  );
}
