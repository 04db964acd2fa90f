/**
 * The load generator as a process of its own, so that its garbage collection
 * and the bench's large heap never stand in the measured latencies.
 * Usage: tsx bench/drive-cli.ts JOB.json → prints the result as JSON.
 * A job lists its requests, or (`stations`) describes swabs for it to make.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { drive, type Req } from './lib.js';

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

/**
 * Swab i is taken at station i % stations, its (i / stations)th: each station
 * fills its own tubes of `poolSize` one after the other, as a sampling table does.
 */
function stationScans(s: { campaignId: number; codesFile: string; stations: number; poolSize: number; prefix: string; offset?: number }) {
  const codes = fs.readFileSync(s.codesFile, 'utf8').split('\n');
  return (n: number): Req => {
    const i = n + (s.offset ?? 0);
    const station = i % s.stations;
    const nth = Math.floor(i / s.stations);
    const tube = `${s.prefix}${station}-${Math.floor(nth / s.poolSize)}`;
    return { method: 'POST', path: '/api/v1/testing/scans', body: JSON.stringify({ scans: [{ id: crypto.randomUUID(), campaignId: s.campaignId, tube, person: codes[i] }] }) };
  };
}

const requests = job.stations ? stationScans(job.stations) : job.requests;
const r = await drive(job.base, requests, job.total, job.concurrency, job.options);
process.stdout.write(JSON.stringify(r));
