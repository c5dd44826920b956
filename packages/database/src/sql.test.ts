import { randomUUID } from 'node:crypto';
import { initOrm, type MikroORM } from './orm';
import { runStatement, statement } from './sql';

// The test stack's database; nothing here writes to it.
let orm: MikroORM;
beforeAll(async () => {
  orm = await initOrm(process.env.DATABASE_URL!, { pool: { min: 0, max: 1 } });
});
afterAll(() => orm?.close());

const PREPARED = statement(
  'test-prepared-statements',
  `select name, statement from pg_prepared_statements where name like 'test-%' order by name`,
);

describe('named statements', () => {
  test('are prepared under their name on the connection, once, and bind their parameters', async () => {
    const name = `test-echo-${randomUUID()}`;
    const echo = statement(name, `select ?::int + 1 as n, ?::text as t`);
    const [prepared, again] = await orm.em.fork().transactional(async (tx) => {
      const first = await runStatement<{ n: number; t: string }>(tx, echo, [41, "it's"]);
      const second = await runStatement<{ n: number; t: string }>(tx, echo, [1, '$1']);
      expect([first, second]).toEqual([[{ n: 42, t: "it's" }], [{ n: 2, t: '$1' }]]);
      return [
        await runStatement<{ name: string; statement: string }>(tx, PREPARED),
        await runStatement<{ name: string; statement: string }>(tx, PREPARED),
      ];
    });
    // Prepared once on this connection (the pool holds one), with the driver's `$n` placeholders.
    expect(prepared).toEqual(again);
    expect(prepared.filter((p) => p.name === name)).toEqual([
      { name, statement: 'select $1::int + 1 as n, $2::text as t' },
    ]);
  });

  test('a name declared again must come with the same text', () => {
    const text = 'select 1';
    const name = `test-twice-${randomUUID()}`;
    expect(statement(name, text)).toEqual(statement(name, text));
    expect(() => statement(name, 'select 2')).toThrow(`statement ${name} is declared twice, with two texts`);
  });
});
