import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { RecountError } from '../errors.js';
import type { Ledger } from '../db/ledger.js';
import { sql } from '../db/sql.js';

const SETTING = 'machine_id';
const NAME = /^[a-z0-9][a-z0-9_.]{0,62}$/;

/**
 * The name this ledger's files carry in a lake: $RECOUNT_MACHINE, else the id stored in the ledger's
 * settings, else a new one (host name + random suffix) stored there, so two ledgers on one host, or
 * two hosts with one name, never write over each other's files. The ledger must be open for writing.
 */
export async function machineId(ledger: Ledger): Promise<string> {
  const forced = process.env.RECOUNT_MACHINE;
  if (forced !== undefined) return checkedName(forced);
  const [stored] = await ledger.all<{ value: string }>(sql('ledger/get_setting'), { key: SETTING });
  if (stored) return checkedName(stored.value);
  const id = `${slug(os.hostname()) || 'machine'}.${randomBytes(3).toString('hex')}`;
  await ledger.run(sql('ledger/put_setting'), { key: SETTING, value: id });
  return id;
}

/** A machine name is a file name (`<machine>.parquet`, `<machine>-1.parquet`): no '-', '/' or spaces. */
function checkedName(name: string): string {
  if (!NAME.test(name)) {
    throw new RecountError(`machine name '${name}' cannot name lake files`, 'RECOUNT_MACHINE takes lower-case letters, digits, _ and . (up to 63), e.g. RECOUNT_MACHINE=alice_laptop');
  }
  return name;
}

function slug(host: string): string {
  return host.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40);
}
