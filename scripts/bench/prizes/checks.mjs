// The prize bench's correctness checks: after every phase, the database holds exactly the
// effects the events must have, and the source queue and its DLQ are empty.
import { sleep } from '../support.mjs';
import { queueDepth } from './queues.mjs';

/** Effects in the database equal the expected ones; source queue and DLQ are empty. */
export async function verify(run, phase, expected, queues) {
  const before = run.failures.length;
  const processed = Number((await run.db.query('SELECT count(*) AS c FROM processed_messages')).rows[0].c);
  if (processed !== expected.processed)
    run.fail(`${phase}: processed_messages has ${processed} rows, expected ${expected.processed}`);

  // Stackable: one row per user and type, quantity = sum of that user's grants.
  const { rows: stacks } = await run.db.query(
    'SELECT stack_key, quantity FROM item_holdings WHERE stack_key IS NOT NULL',
  );
  const actual = new Map(stacks.map((r) => [r.stack_key, r.quantity]));
  let wrong = 0;
  for (const [key, qty] of expected.stacks) if (actual.get(key) !== qty) wrong += 1;
  for (const key of actual.keys()) if (!expected.stacks.has(key)) wrong += 1;
  const sumExpected = [...expected.stacks.values()].reduce((a, b) => a + b, 0);
  const sumActual = stacks.reduce((a, r) => a + r.quantity, 0);
  if (wrong > 0)
    run.fail(
      `${phase}: ${wrong} stackable holdings differ from what was sent (sum ${sumActual}, expected ${sumExpected})`,
    );

  // Non-stackable: one row of quantity 1 per unit.
  const units = (
    await run.db.query(
      'SELECT count(*) AS c, coalesce(sum(quantity), 0) AS q FROM item_holdings WHERE stack_key IS NULL',
    )
  ).rows[0];
  if (Number(units.c) !== expected.unitRows || Number(units.q) !== expected.unitRows) {
    run.fail(`${phase}: non-stackable holdings ${units.c} rows / quantity ${units.q}, expected ${expected.unitRows}`);
  }
  // Unlinked accounts: one pending ownership per grant.
  const pending = (await run.db.query('SELECT count(*) AS c, coalesce(sum(quantity), 0) AS q FROM pending_ownerships'))
    .rows[0];
  if (Number(pending.c) !== expected.pendingRows || Number(pending.q) !== expected.pendingQty) {
    run.fail(
      `${phase}: pending ownerships ${pending.c} rows / quantity ${pending.q}, expected ${expected.pendingRows} / ${expected.pendingQty}`,
    );
  }

  // Queues: source drained (deletes may lag the commits slightly) and nothing dead-lettered.
  let source = await queueDepth(run, queues.queueUrl);
  for (let i = 0; i < 50 && source.visible + source.inFlight + source.delayed > 0; i += 1) {
    await sleep(200);
    source = await queueDepth(run, queues.queueUrl);
  }
  if (source.visible + source.inFlight + source.delayed > 0)
    run.fail(`${phase}: source queue not empty: ${JSON.stringify(source)}`);
  const dlq = await queueDepth(run, queues.dlqUrl);
  if (dlq.visible + dlq.inFlight + dlq.delayed > 0) run.fail(`${phase}: DLQ not empty: ${JSON.stringify(dlq)}`);

  const total = sumActual + Number(units.q) + Number(pending.q);
  run.log(
    `${phase}: checks ${run.failures.length === before ? 'passed' : 'FAILED'} (processed ${processed}, items granted ${total})`,
  );
}

export async function resetState(run) {
  await run.db.query('TRUNCATE processed_messages, item_holdings, pending_ownerships');
}
