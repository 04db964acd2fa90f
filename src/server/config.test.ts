import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', databaseUrl: null, embeddedPgPort: 54320, pgHome: '/var/lib/bastion', demo: false, logLevel: 'info' });
  });

  it('serves the simulator SMS gateway beyond this machine only for a demo (BASTION_DEMO=1)', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(problems({ HOST: host })).toEqual([]);
    for (const host of ['0.0.0.0', '::', '10.1.2.3', 'bastion.example.cn']) {
      const [p, ...more] = problems({ HOST: host });
      expect(more).toEqual([]);
      expect(p).toMatch(new RegExp(`^HOST=${host.replace(/\./g, '\\.')}: the simulator SMS gateway .* BASTION_DEMO=1`));
      expect(problems({ HOST: host, BASTION_DEMO: '1' })).toEqual([]);
      expect(problems({ HOST: host, BASTION_DEMO: '0' })).toHaveLength(1);
    }
    // a real gateway serves anywhere
    expect(problems({ HOST: '0.0.0.0', BASTION_SMS_GATEWAY: 'http', BASTION_SMS_HTTP_URL: 'https://sms.example.cn/send', BASTION_SMS_WEBHOOK_SECRET: 'x'.repeat(20) })).toEqual([]);
    expect(problems({ BASTION_DEMO: 'yes' })).toEqual(['BASTION_DEMO="yes": 1 for a demo, else unset']);
    expect(problems({ BASTION_PG_HOME: 'relative/dir' })).toEqual(['BASTION_PG_HOME="relative/dir": an absolute path']);
    expect(problems({ BASTION_WAL_ARCHIVE: '/backup/wal' })).toEqual([]);
    expect(problems({ BASTION_WAL_ARCHIVE: "/backup/it's" })).toEqual([`BASTION_WAL_ARCHIVE="/backup/it's": an absolute path of letters, digits, . _ - /`]);
    expect(problems({ BASTION_WAL_ARCHIVE: '/backup/wal', DATABASE_URL: 'postgres://u@h:5432/d' })).toEqual([expect.stringMatching(/^BASTION_WAL_ARCHIVE: for the embedded PostgreSQL only/)]);
  });

  it('refuses, in one line, to start the simulator on 0.0.0.0 without BASTION_DEMO', () => {
    const { BASTION_DEMO: _, BASTION_SMS_GATEWAY: __, ...rest } = process.env;
    const env = { ...rest, HOST: '0.0.0.0', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
    const r = spawnSync(process.execPath, ['bin/bastion.js', 'serve'], { env, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Bad configuration: HOST=0\.0\.0\.0: the simulator SMS gateway .*BASTION_DEMO=1/)]);
  });

  it('names every bad setting at once', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x/y', LOG_LEVEL: 'loud', BASTION_PG_PORT: '70000' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'BASTION_PG_PORT']) expect(problems).toContain(name);
  });

  it('asks the http SMS gateway for its URL and a webhook secret', () => {
    let err: unknown;
    try {
      loadConfig({ BASTION_SMS_GATEWAY: 'http', BASTION_SMS_WEBHOOK_SECRET: 'short' });
    } catch (e) {
      err = e;
    }
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toContain('BASTION_SMS_HTTP_URL');
    expect(problems).toContain('BASTION_SMS_WEBHOOK_SECRET');
    const ok = loadConfig({ BASTION_SMS_GATEWAY: 'http', BASTION_SMS_HTTP_URL: 'https://sms.example.cn/send', BASTION_SMS_WEBHOOK_SECRET: 'x'.repeat(20) });
    expect(ok.sms).toMatchObject({ gateway: 'http', http: { url: 'https://sms.example.cn/send', concurrency: 16 } });
  });

  it('trusts no proxy by default, and checks each one it is given', () => {
    expect(loadConfig({})).toMatchObject({ trustedProxies: [], sessionIdleMinutes: 120 });
    expect(loadConfig({ BASTION_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.168.1.5,::1,fd00::/8 ,loopback', BASTION_SESSION_IDLE_MINUTES: '30' })).toMatchObject({
      trustedProxies: ['10.0.0.0/8', '192.168.1.5', '::1', 'fd00::/8', 'loopback'],
      sessionIdleMinutes: 30,
    });
    let err: unknown;
    try {
      loadConfig({ BASTION_TRUSTED_PROXIES: '10.0.0.0/33,nginx,10.1.2.3', BASTION_SESSION_IDLE_MINUTES: '0' });
    } catch (e) {
      err = e;
    }
    const problems = (err as ConfigError).problems;
    expect(problems.filter((p) => p.startsWith('BASTION_TRUSTED_PROXIES')).map((p) => p.split(' ')[1])).toEqual(['"10.0.0.0/33"', '"nginx"']);
    expect(problems.join('\n')).toContain('BASTION_SESSION_IDLE_MINUTES');
  });

  it('stops the start with that message', () => {
    const r = spawnSync(process.execPath, ['bin/bastion.js', 'serve'], { env: { ...process.env, PORT: "eighty", DATABASE_URL: 'nonsense' }, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('DATABASE_URL');
  });
});
