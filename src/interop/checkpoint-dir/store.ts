/**
 * One checkpoint directory standing alone (not inside a run), seen as the {@link Store} the
 * checkpoint functions expect: the directory `<parent>/<name>` is the folder
 * `checkpoints/<name>/` of a run that holds nothing else. Reading goes through `loadCheckpoint`
 * and `verifyCheckpoint`; writing through `commitCheckpoint` (a `.tmp-<name>-*` directory beside
 * the target, fsynced, manifest last, renamed into place), exactly as the manager commits.
 *
 * @module
 */
import { basename, dirname, resolve } from 'node:path';
import { CHECKPOINTS_DIR } from '../../checkpoint/layout.js';
import { CkptError } from '../../errors.js';
import { FsStore } from '../../storage/fs-store.js';
import type { StagedWrite, Store, StoreStat } from '../../storage/store.js';

/** A store whose only content is the checkpoint directory `dir`, under the key folder `checkpoints/<basename>/`. */
export class StandaloneCheckpointStore implements Store {
  /** The checkpoint's name: the directory's base name. */
  readonly name: string;
  private readonly inner: FsStore;
  private readonly folder: string;

  constructor(dir: string) {
    const full = resolve(dir);
    this.name = basename(full);
    this.inner = new FsStore(dirname(full));
    this.folder = `${CHECKPOINTS_DIR}${this.name}/`;
  }

  get location(): string {
    return this.inner.location;
  }

  /** The key in the parent directory, or `undefined` for keys outside the checkpoint. */
  private inside(key: string): string | undefined {
    return key.startsWith(this.folder) ? `${this.name}/${key.slice(this.folder.length)}` : undefined;
  }

  private mapped(key: string): string {
    const k = this.inside(key);
    if (k === undefined || k === `${this.name}/`) throw new CkptError('E_NOT_FOUND', `${key} does not exist in ${this.location}`, { details: { key } });
    return k;
  }

  private unsupported(what: string): Promise<never> {
    return Promise.reject(new CkptError('E_UNSUPPORTED', `a standalone checkpoint directory does not support ${what}`));
  }

  async get(key: string): Promise<Uint8Array> {
    return this.inner.get(this.mapped(key));
  }

  async getMapped(key: string): Promise<Uint8Array> {
    return this.inner.getMapped(this.mapped(key));
  }

  async getRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    return this.inner.getRange(this.mapped(key), offset, length);
  }

  async *read(key: string): AsyncGenerator<Uint8Array> {
    yield* this.inner.read(this.mapped(key));
  }

  async stat(key: string): Promise<StoreStat | undefined> {
    const k = this.inside(key);
    return k === undefined ? undefined : this.inner.stat(k);
  }

  async list(prefix: string): Promise<string[]> {
    let own: string;
    if (this.folder.startsWith(prefix)) own = `${this.name}/`;
    else {
      const k = this.inside(prefix);
      if (k === undefined) return [];
      own = k;
    }
    const back = (k: string): string => this.folder + k.slice(this.name.length + 1);
    return (await this.inner.list(own)).map(back);
  }

  stage(prefix: string): Promise<StagedWrite> {
    if (prefix !== this.folder) return this.unsupported(`staging ${prefix}`);
    return this.inner.stage(`${this.name}/`);
  }

  put(): Promise<number> { return this.unsupported('put'); }
  putIfAbsent(): Promise<boolean> { return this.unsupported('putIfAbsent'); }
  delete(): Promise<void> { return this.unsupported('delete'); }
  deletePrefix(): Promise<void> { return this.unsupported('deletePrefix'); }
  sweep(): Promise<string[]> { return this.unsupported('sweep'); }
}
