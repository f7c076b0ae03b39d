/** A JSON value: what travels to workers and back. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * The JSON form of a reward's input that travels to workers: typed arrays and other array-likes become
 * arrays (the hypergrid's coordinates), objects keep their data fields (a molecule's `smiles`, `valid`,
 * `stemAtoms`), functions are dropped, and so is a molecule's `rdkit` module, which a worker attaches
 * again from its own RDKit (see `workerInput` below).
 */
export function rewardPayload(input: unknown): JsonValue {
  if (input === null || typeof input === 'boolean' || typeof input === 'string') return input;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new RangeError(`reward input ${input} cannot be sent to a worker (JSON has no ${input})`);
    return input;
  }
  if (ArrayBuffer.isView(input) || Array.isArray(input)) return Array.from(input as ArrayLike<unknown>, rewardPayload);
  if (typeof input === 'object') {
    const out: { [key: string]: JsonValue } = {};
    for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
      if (k === 'rdkit' || typeof v === 'function' || v === undefined) continue;
      out[k] = rewardPayload(v);
    }
    return out;
  }
  throw new TypeError(`reward input of type ${typeof input} cannot be sent to a worker`);
}

/** A stable text of a payload (object keys sorted): the state's key in the shared cache and in messages. */
export function payloadKey(payload: JsonValue): string {
  if (Array.isArray(payload)) return `[${payload.map(payloadKey).join(',')}]`;
  if (payload !== null && typeof payload === 'object') {
    return `{${Object.keys(payload).sort().map((k) => `${JSON.stringify(k)}:${payloadKey(payload[k] as JsonValue)}`).join(',')}}`;
  }
  return JSON.stringify(payload);
}

/** Whether a payload is a molecule of `@gflownet/env-fragments` (it has a SMILES). */
export function isMoleculePayload(payload: JsonValue): payload is { smiles: string; [key: string]: JsonValue } {
  return payload !== null && typeof payload === 'object' && !Array.isArray(payload) && typeof payload.smiles === 'string';
}

/**
 * The input a worker hands its reward: the payload as sent, with the RDKit module attached to a
 * molecule (loaded on first use), so a reward module sees what it would see in the sampling process.
 */
export async function workerInput(payload: JsonValue, rdkit: () => Promise<unknown>): Promise<unknown> {
  return isMoleculePayload(payload) ? { ...payload, rdkit: await rdkit() } : payload;
}
