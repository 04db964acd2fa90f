/**
 * The load generator as a process of its own, so that its garbage collection
 * and the bench's large heap never stand in the measured latencies.
 * Usage: tsx bench/drive-cli.ts JOB.json → prints the result as JSON.
 */
import fs from 'node:fs';
import { drive } from './lib.js';

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const r = await drive(job.base, job.requests, job.total, job.concurrency, job.headers);
process.stdout.write(JSON.stringify(r));
