import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import iconv from 'iconv-lite';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addResidents, addStaff, closeTestDb, databaseUrl, idFor, makeAccount, makeArea, testDb, type TestArea } from '../../../../test/helpers.js';
import type { Actor } from '../../access/index.js';
import { runImport } from './import.service.js';
import { importRepo } from './import.repo.js';
import { writeRejectionReport } from './import.report.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bastion-import-'));
const file = (name: string, content: string | Buffer) => {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
};

let area: TestArea;
let region: string;
beforeAll(async () => {
  area = await makeArea();
  region = area.district;
});
afterAll(async () => {
  await closeTestDb();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const residentsIn = async (prefix: string) =>
  (await testDb().pool.query(`select id_number, name, phone, address, area_code, household_no, bedridden from residents where area_code like $1 order by id_number`, [prefix + '%'])).rows;

function csv(rows: (string | number)[][]) {
  return rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
}

const run = (p: string, actor: Actor | null = null, kind: 'residents' | 'staff' = 'residents') => {
  const { db, pool } = testDb();
  return runImport(db, pool, { kind, path: p, filename: path.basename(p), actor });
};

describe('importing residents', () => {
  it('reads a GBK CSV without BOM, commits the valid rows and names each rejected row, field and reason', async () => {
    const v = area.villages[0];
    const good1 = idFor(region, 1);
    const good2 = idFor(region, 2, 'F');
    const content = csv([
      ['姓名', '身份证号码', '联系电话', '家庭住址', '所属村(社区)', '户号', '独居老人', '民族'],
      ['张三', good1, '13812345678', '东村1号', v, v + 'H1', '否', '汉'],
      ['李四', good2, '', '东村1号', area.names[v].replace('村民委员会', ''), v + 'H1', '是', '汉'],
      ['王五', good1, '13912345678', '东村2号', v, '', '', '汉'], // repeats row 2's ID
      ['赵六', good1.slice(0, 17) + (good1[17] === '0' ? '1' : '0'), '', '东村3号', v, '', '', '汉'],
      ['钱七', idFor(region, 3), '123', '东村4号', '999999999999', '', '', '汉'],
    ]);
    const gbk = iconv.encode(content, 'gbk');
    expect(gbk.includes(Buffer.from('张三', 'utf8'))).toBe(false); // really GBK bytes
    const s = await run(file('gbk.csv', gbk));
    expect(s).toMatchObject({ imported: 2, updated: 0, rejected: 3, rowsRead: 5 });

    const rows = await residentsIn(v);
    expect(rows.map((r) => r.name).sort()).toEqual(['张三', '李四']);
    expect(rows.find((r) => r.name === '李四')).toMatchObject({ household_no: v + 'H1', phone: null });

    const rej = await importRepo.rejections(testDb().pool, s.jobId, 100);
    expect(rej).toEqual([
      { rowNo: 4, field: '身份证号码', reason: 'ID_DUPLICATE_IN_FILE' },
      { rowNo: 5, field: '身份证号码', reason: 'ID_CHECK_DIGIT' },
      { rowNo: 6, field: '所属村(社区)', reason: 'AREA_UNKNOWN' },
      { rowNo: 6, field: '联系电话', reason: 'PHONE_INVALID' },
    ]);
  });

  it('updates on a second import of the same file instead of duplicating', async () => {
    const v = area.villages[1];
    const rows = [['name', 'id_number', 'phone', 'address', 'area_code'], ['Zhang Wei', idFor(region, 10), '13700000001', 'West 1', v], ['李娜', idFor(region, 11, 'F'), '13700000002', '西村2号', v]];
    const p = file('utf8.csv', '\ufeff' + csv(rows));
    expect(await run(p)).toMatchObject({ imported: 2, updated: 0, rejected: 0 });
    rows[1][2] = '13700000009';
    fs.writeFileSync(p, '\ufeff' + csv(rows));
    expect(await run(p)).toMatchObject({ imported: 0, updated: 2, rejected: 0 });
    const after = await residentsIn(v);
    expect(after).toHaveLength(2);
    expect(after.find((r) => r.name === 'Zhang Wei')!.phone).toBe('13700000009');
  });

  it('adds the new rows and updates the registered ones of a file that holds both', async () => {
    const v = area.villages[1];
    const head = ['name', 'id_number', 'phone', 'address', 'area_code'];
    const first = [head, ['王一', idFor(region, 70), '13700000031', '西村31号', v]];
    expect(await run(file('first.csv', csv(first)))).toMatchObject({ imported: 1, updated: 0 });
    // the registered row comes after a new one, so the straight COPY of the batch hits it mid-way
    const second = [head, ['王二', idFor(region, 71), '13700000032', '西村\t32号', v], ['王一', idFor(region, 70), '13700000039', '西村31号', v], ['王三', idFor(region, 72), '13700000033', 'a\\b', v]];
    expect(await run(file('second.csv', csv(second)))).toMatchObject({ imported: 2, updated: 1, rejected: 0 });
    const after = await residentsIn(v);
    // the tab is a stray space to the cleaning; the backslash is text and survives COPY's escaping
    expect(after.filter((r) => r.name.startsWith('王')).map((r) => [r.name, r.phone, r.address]).sort()).toEqual([
      ['王一', '13700000039', '西村31号'],
      ['王三', '13700000033', 'a\\b'],
      ['王二', '13700000032', '西村 32号'],
    ]);
  });

  it('reads XLSX, and refuses an ID that the spreadsheet stored as a number', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('居民');
    ws.addRow(['序号', '姓名', '公民身份号码', '手机号码', '现住址', '区划代码']);
    ws.addRow([1, '孙八', idFor(region, 20), '13600000001', '东村8号', area.villages[0]]);
    ws.addRow([2, '周九', Number(idFor(region, 21).replace('X', '0')), '13600000002', '东村9号', area.villages[0]]);
    const p = path.join(tmp, 'r.xlsx');
    await wb.xlsx.writeFile(p);
    const s = await run(p);
    expect(s).toMatchObject({ imported: 1, rejected: 1 });
    expect(await importRepo.rejections(testDb().pool, s.jobId, 10)).toEqual([{ rowNo: 3, field: '公民身份号码', reason: 'ID_MANGLED' }]);
  });

  it('refuses rows outside the area of the lead who imports', async () => {
    const lead = await makeAccount('lead', area.villages[0]);
    const actor: Actor = { accountId: lead.id, username: lead.username, displayName: '', role: 'lead', areaCode: area.villages[0], staffId: null };
    const p = file('scope.csv', csv([['姓名', '身份证号', '住址', '区划代码'], ['吴十', idFor(region, 30), '西村', area.villages[1]], ['郑一', idFor(region, 31), '东村', area.grids[0]]]));
    const s = await run(p, actor);
    expect(s).toMatchObject({ imported: 1, rejected: 1 });
    expect((await importRepo.rejections(testDb().pool, s.jobId, 10))[0]).toMatchObject({ rowNo: 2, reason: 'AREA_OUT_OF_SCOPE' });
    expect((await residentsIn(area.villages[1])).some((r) => r.name === '吴十')).toBe(false);
  });

  it('fails the whole file, writing nothing, when a required column is missing', async () => {
    const p = file('nohead.csv', csv([['姓名', '电话'], ['张三', '13800000000']]));
    await expect(run(p)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', field: 'idNumber' });
  });

  it('writes the error report as XLSX with row, field and reason', async () => {
    const p = file('report.csv', csv([['姓名', '身份证号', '住址', '区划代码'], ['A1', idFor(region, 40), '东村', area.villages[0]]]));
    const s = await run(p);
    const out = path.join(tmp, 'report.xlsx');
    await writeRejectionReport(testDb().pool, s.jobId, fs.createWriteStream(out), 'xlsx', 'zh');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const rows = wb.worksheets[0].getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1));
    expect(rows[0]).toEqual(['行号', '字段', '原因代码', '原因']);
    expect(rows[1].slice(0, 3)).toEqual([2, '姓名', 'NAME_INVALID']);
  });
});

describe('a lead importing people registered in another village', () => {
  it('leaves them where they are, refuses their rows AREA_OUT_OF_SCOPE with nothing more, and imports the lead’s own', async () => {
    const x = await makeArea();
    const [a, b] = x.villages;
    const { pool } = testDb();
    const [bResident] = await addResidents(b, [{ name: '西村人', initials: 'xcr', n: 1, phone: '13711110001' }], x.district);
    await pool.query(`update residents set household_no = $1 where id = $2`, [`H${b}`, bResident]);
    await pool.query(`insert into households (household_no, area_code, address) values ($1, $2, '西村1号')`, [`H${b}`, b]);
    const [bStaff] = await addStaff(b, [{ name: '西村干部', n: 1, phone: '13711110002' }], x.district);
    const lead = await makeAccount('lead', a);
    const actor: Actor = { accountId: lead.id, username: lead.username, displayName: '', role: 'lead', areaCode: a, staffId: null };
    const state = async () => ({
      resident: (await pool.query(`select name, phone, area_code, household_no from residents where id = $1`, [bResident])).rows[0],
      household: (await pool.query(`select area_code, address from households where household_no = $1`, [`H${b}`])).rows[0],
      staff: (await pool.query(`select name, phone, assigned_area_code from staff where id = $1`, [bStaff])).rows[0],
    });
    const before = await state();

    const residents = file('elsewhere.csv', csv([
      ['姓名', '身份证号', '联系电话', '住址', '户号', '区划代码'],
      ['冒名', idFor(x.district, 1), '13799990001', '东村1号', '', a], // registered in B
      ['东村人', idFor(x.district, 2), '13799990002', '东村2号', `H${b}`, a], // new, in B's household
      ['东村自己', idFor(x.district, 3), '13799990003', '东村3号', `H${a}`, a], // the lead's own
    ]));
    const staff = file('elsewhere-staff.csv', csv([
      ['姓名', '身份证号', '手机号', '工作单位', '分包村'],
      ['东村干部', idFor(x.district, 402), '13799990004', '东村党支部', a], // the lead's own
      ['冒名干部', idFor(x.district, 401), '13799990005', '东村党支部', a], // registered in B
    ]));
    for (const round of [1, 2]) {
      const r = await run(residents, actor);
      expect(r).toMatchObject({ imported: round === 1 ? 1 : 0, updated: round === 1 ? 0 : 1, rejected: 2, rowsRead: 3 });
      expect(await importRepo.rejections(pool, r.jobId, 10)).toEqual([
        { rowNo: 2, field: '身份证号', reason: 'AREA_OUT_OF_SCOPE' },
        { rowNo: 3, field: '户号', reason: 'AREA_OUT_OF_SCOPE' },
      ]);
      const s = await run(staff, actor, 'staff');
      expect(s).toMatchObject({ imported: round === 1 ? 1 : 0, updated: round === 1 ? 0 : 1, rejected: 1, rowsRead: 2 });
      expect(await importRepo.rejections(pool, s.jobId, 10)).toEqual([{ rowNo: 3, field: '身份证号', reason: 'AREA_OUT_OF_SCOPE' }]);
      expect(await state()).toEqual(before);
      expect((await residentsIn(a)).map((p) => [p.name, p.household_no])).toEqual([['东村自己', `H${a}`]]);
      expect((await pool.query(`select name from staff where assigned_area_code = $1`, [a])).rows).toEqual([{ name: '东村干部' }]);
    }

    // a file of new IDs only (written by a straight COPY) that names B's household
    const fresh = file('elsewhere-household.csv', csv([['姓名', '身份证号', '住址', '户号', '区划代码'], ['新户', idFor(x.district, 4), '东村4号', `H${b}`, a], ['新人', idFor(x.district, 5), '东村5号', '', a]]));
    const f = await run(fresh, actor);
    expect(f).toMatchObject({ imported: 1, updated: 0, rejected: 1 });
    expect(await importRepo.rejections(pool, f.jobId, 10)).toEqual([{ rowNo: 2, field: '户号', reason: 'AREA_OUT_OF_SCOPE' }]);
    expect(await state()).toEqual(before);

    // the district's commander (and the command line) moves them as before
    const boss = await makeAccount('commander', x.district);
    const commander: Actor = { accountId: boss.id, username: boss.username, displayName: '', role: 'commander', areaCode: x.district, staffId: null };
    expect(await run(residents, commander)).toMatchObject({ imported: 1, updated: 2, rejected: 0 });
    expect((await state()).resident).toMatchObject({ name: '冒名', area_code: a, phone: '13799990001' });
    expect((await state()).household).toMatchObject({ area_code: a });
  });
});

describe('batches', () => {
  it('are cut between households, written two at a time, and lose no row', async () => {
    const v = area.villages[1];
    const rows: (string | number)[][] = [['姓名', '身份证号', '住址', '户号', '区划代码']];
    for (let i = 0; i < 23; i++) rows.push([`批${'甲乙丙丁戊'[i % 5]}`, idFor(region, 100 + i), `西村${Math.floor(i / 3)}号`, `${v}B${Math.floor(i / 3)}`, v]);
    rows.push(['坏行', '123', '西村', `${v}B99`, v]);
    const { db, pool } = testDb();
    const s = await runImport(db, pool, { kind: 'residents', path: file('batches.csv', csv(rows)), filename: 'b', actor: null, batchSize: 4 });
    expect(s).toMatchObject({ imported: 23, rejected: 1, rowsRead: 24 });
    const households = await pool.query(`select household_no, count(*)::int as n from residents where area_code = $1 and household_no like $2 group by 1 order by 1`, [v, v + 'B%']);
    expect(households.rows.map((r) => r.n)).toEqual([3, 3, 3, 3, 3, 3, 3, 2]);
    const job = await importRepo.get(pool, s.jobId, '');
    expect(job).toMatchObject({ status: 'done', imported: 23, rejected: 1, rowsRead: 24 });
  });
});

describe('importing staff', () => {
  it('reads party membership, unit heads and roles in the words offices use', async () => {
    const v = area.villages[0];
    const p = file('staff.csv', csv([
      ['姓名', '身份证号', '手机号', '工作单位', '政治面貌', '单位负责人', '岗位', '分包村'],
      ['刘书记', idFor(region, 50), '13500000001', '东村党支部', '中共党员', '是', '村支书', v],
      ['陈干部', idFor(region, 51, 'F'), '13500000002', '区卫生健康局', '群众', '', '', v],
      ['无电话', idFor(region, 52), '', '区财政局', '中共党员', '否', '', v],
    ]));
    const s = await run(p, null, 'staff');
    expect(s).toMatchObject({ imported: 2, rejected: 1 });
    const staff = (await testDb().pool.query(`select name, role, party_member, unit_head from staff where assigned_area_code = $1 order by name`, [v])).rows;
    expect(staff).toEqual([
      { name: '刘书记', role: 'lead', party_member: true, unit_head: true },
      { name: '陈干部', role: 'cadre', party_member: false, unit_head: false },
    ]);
  });
});

describe('the import command', () => {
  it('ends with "imported N, updated M, rejected K" and exits 1 when rows were rejected', () => {
    const p = file('cli.csv', csv([['姓名', '身份证号', '住址', '区划代码'], ['命令行', idFor(region, 60), '东村', area.villages[0]], ['坏', '123', '东村', area.villages[0]]]));
    const report = path.join(tmp, 'cli-errors.xlsx');
    const r = spawnSync(process.execPath, ['bin/bastion.js', 'import', 'residents', p, '--report', report], {
      env: { ...process.env, DATABASE_URL: databaseUrl() },
      encoding: 'utf8',
    });
    expect(r.stdout.trim().split('\n').pop()).toBe('imported 1, updated 0, rejected 1');
    expect(r.status).toBe(1);
    expect(fs.statSync(report).size).toBeGreaterThan(0);
    const again = spawnSync(process.execPath, ['bin/bastion.js', 'import', 'residents', p], { env: { ...process.env, DATABASE_URL: databaseUrl() }, encoding: 'utf8' });
    expect(again.stdout.trim().split('\n').pop()).toBe('imported 0, updated 1, rejected 1');
  });
});
