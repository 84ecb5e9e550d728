/**
 * Fault injection for tests: a {@link Store} wrapper whose writes fail like a full or broken disk
 * (ENOSPC, EIO) after a byte or operation budget. The failing bytes really reach the inner store
 * first, so half-written files exist exactly as they would after a real fault.
 *
 * @module
 */
import { fromSystemError } from '../errors.js';
import { childFolders, chunksOf, type PutData, type StagedWrite, type Store, type StoreStat } from './store.js';

/** Which failure to inject and when. */
export interface FaultPlan {
  /** The system error code to raise. */
  code: 'ENOSPC' | 'EIO';
  /** Fail once this many more bytes have been written. Default: no byte budget. */
  afterBytes?: number;
  /** Fail on the write operation after this many more (put, staged put, commit, delete). Default: no op budget. */
  afterOps?: number;
}

function systemError(code: string, key: string): Error {
  const message = code === 'ENOSPC' ? 'no space left on device' : 'i/o error';
  return Object.assign(new Error(`${code}: ${message}, write '${key}'`), { code, errno: code === 'ENOSPC' ? -28 : -5, syscall: 'write' });
}

/** Wraps a store and fails its writes according to the armed {@link FaultPlan}; reads always pass. */
export class FaultyStore implements Store {
  private plan: FaultPlan | undefined;
  private bytesLeft = Infinity;
  private opsLeft = Infinity;
  /** How many faults were raised so far. */
  faults = 0;
  /** The key of the last write that failed. */
  lastFaultKey: string | undefined;

  constructor(readonly inner: Store) {}

  get location(): string {
    return `faulty(${this.inner.location})`;
  }

  /** Starts failing according to `plan` (budgets count from now). Faults persist until {@link disarm}. */
  arm(plan: FaultPlan): void {
    this.plan = plan;
    this.bytesLeft = plan.afterBytes ?? Infinity;
    this.opsLeft = plan.afterOps ?? Infinity;
  }

  /** Stops injecting faults: the disk has been freed or repaired. */
  disarm(): void {
    this.plan = undefined;
  }

  private fault(key: string): never {
    this.faults++;
    this.lastFaultKey = key;
    throw fromSystemError(systemError(this.plan?.code ?? 'EIO', key), 'write', key);
  }

  private op(key: string): void {
    if (this.plan === undefined) return;
    if (this.opsLeft <= 0) this.fault(key);
    this.opsLeft--;
  }

  private async *metered(data: PutData, key: string): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunksOf(data)) {
      if (this.plan !== undefined && chunk.byteLength > this.bytesLeft) {
        const n = Math.max(0, this.bytesLeft);
        this.bytesLeft = 0;
        if (n > 0) yield chunk.subarray(0, n);
        this.fault(key);
      }
      if (this.plan !== undefined) this.bytesLeft -= chunk.byteLength;
      yield chunk;
    }
  }

  async put(key: string, data: PutData): Promise<number> {
    this.op(key);
    return this.inner.put(key, this.metered(data, key));
  }

  async putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean> {
    this.op(key);
    if (this.plan !== undefined && bytes.byteLength > this.bytesLeft) this.fault(key);
    if (this.plan !== undefined) this.bytesLeft -= bytes.byteLength;
    return this.inner.putIfAbsent(key, bytes);
  }

  get(key: string): Promise<Uint8Array> {
    return this.inner.get(key);
  }

  getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    return this.inner.getRange(key, offset, length);
  }

  read(key: string): AsyncIterable<Uint8Array> {
    return this.inner.read(key);
  }

  stat(key: string): Promise<StoreStat | undefined> {
    return this.inner.stat(key);
  }

  list(prefix: string): Promise<string[]> {
    return this.inner.list(prefix);
  }

  listFolders(prefix: string): Promise<string[]> {
    return childFolders(this.inner, prefix);
  }

  async delete(key: string): Promise<void> {
    this.op(key);
    return this.inner.delete(key);
  }

  async deletePrefix(prefix: string): Promise<void> {
    this.op(prefix);
    return this.inner.deletePrefix(prefix);
  }

  async stage(prefix: string): Promise<StagedWrite> {
    const inner = await this.inner.stage(prefix);
    return {
      put: async (relKey, data) => {
        this.op(prefix + relKey);
        return inner.put(relKey, this.metered(data, prefix + relKey));
      },
      commit: async (relKey, record) => {
        this.op(prefix + relKey);
        if (this.plan !== undefined && record.byteLength > this.bytesLeft) this.fault(prefix + relKey);
        if (this.plan !== undefined) this.bytesLeft -= record.byteLength;
        return inner.commit(relKey, record);
      },
      abort: () => inner.abort(),
    };
  }

  sweep(prefix: string): Promise<string[]> {
    return this.inner.sweep(prefix);
  }
}
