// Load from a second process: a bounded number of GETs against the status API on loopback, a few at a
// time, then one JSON line with the latencies. Reads REQUESTS (JSON list of [path, token]) from stdin.
import { argv, stdin, stdout } from 'node:process';

const [base, totalArg, concurrencyArg] = argv.slice(2);
if (!/^http:\/\/(127\.0\.0\.1|\[::1\]|localhost):\d+$/.test(base ?? '')) throw new Error(`loopback base URL only, got ${base}`);
const total = Math.min(Number(totalArg), 20_000);
const concurrency = Math.min(Number(concurrencyArg), 64);
let input = '';
for await (const chunk of stdin) input += chunk;
const requests = JSON.parse(input);

const latencies = [];
const errors = [];
let next = 0;
async function lane() {
  while (next < total) {
    const [path, token] = requests[next++ % requests.length];
    const started = performance.now();
    try {
      const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.status !== 200) errors.push(`${path}: ${response.status}`);
    } catch (error) {
      errors.push(`${path}: ${error.message}`);
    }
    latencies.push(performance.now() - started);
  }
}
await Promise.all(Array.from({ length: concurrency }, lane));
latencies.sort((a, b) => a - b);
const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
stdout.write(`${JSON.stringify({ requests: latencies.length, errors: errors.length, firstErrors: errors.slice(0, 5), p50: at(0.5), p99: at(0.99), max: latencies.at(-1) })}\n`);
