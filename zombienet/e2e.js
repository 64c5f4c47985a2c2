// Runs one of the e2e scripts (e2e/scripts/<name>.mjs) as a zombienet `js-script` against the
// node the assertion names:
//
//   charlie: js-script ./e2e.js with "lifecycle-local" return is 0 within 300 seconds
//
// The script runs in a node process of its own with RPC_URL set to that node's websocket: it
// uses the e2e project's @polkadot/api (zombienet bundles an older one) and is the same command
// a developer runs by hand. Its output is shown with a prefix; its exit code is returned (and a
// failure throws, with the script's last error lines).

const { spawn } = require('node:child_process');
const path = require('node:path');

const SCRIPTS = path.join(__dirname, '..', 'e2e', 'scripts');

function run(nodeName, networkInfo, args) {
  const [name] = args;
  const script = path.join(SCRIPTS, `${name}.mjs`);
  const { wsUri } = networkInfo.nodesByName[nodeName];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, RPC_URL: wsUri },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const errors = [];
    const show = (stream, keep) => {
      let rest = '';
      stream.on('data', (chunk) => {
        const lines = (rest + chunk).split('\n');
        rest = lines.pop();
        for (const line of lines) {
          console.log(`    [${name} @ ${nodeName}] ${line}`);
          if (keep) errors.push(line);
        }
      });
    };
    show(child.stdout, false);
    show(child.stderr, true);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(0);
      else {
        const why = errors.slice(-5).join(' | ') || `exit ${code ?? signal}`;
        reject(new Error(`e2e/scripts/${name}.mjs against ${nodeName} (${wsUri}) failed: ${why}`));
      }
    });
  });
}

module.exports = { run };
