/**
 * An in-memory stand-in for an object store (S3 semantics) to prove the layers above need no rename:
 * staged files go straight to their final keys (visible at once, as multipart uploads completing),
 * and commit is a conditional put of the commit record (`If-None-Match: *`), which alone makes a
 * checkpoint exist. Abort deletes what was uploaded.
 */
import { CkptError } from '../../src/errors.js';
import { MemoryStore } from '../../src/storage/memory-store.js';
import { checkFolder, checkKey, type PutData, type StagedWrite } from '../../src/storage/store.js';

export class ObjectStoreSim extends MemoryStore {
  override readonly location: string = 's3://sim-bucket/run';

  override async stage(prefix: string): Promise<StagedWrite> {
    checkFolder(prefix);
    // Direct puts would overwrite a committed folder's files before the conditional commit fails:
    // an object store must refuse a folder that holds anything, up front.
    if ((await this.list(prefix)).length > 0) {
      throw new CkptError('E_SAVE_FAILED', `${prefix} already holds objects; a committed checkpoint is never overwritten`);
    }
    const written: string[] = [];
    return {
      put: async (relKey: string, data: PutData) => {
        checkKey(relKey);
        written.push(prefix + relKey);
        return this.put(prefix + relKey, data);
      },
      commit: async (relKey: string, record: Uint8Array) => {
        if (!(await this.putIfAbsent(prefix + relKey, record))) {
          throw new CkptError('E_SAVE_FAILED', `${prefix + relKey} already exists (conditional put failed); a committed checkpoint is never overwritten`);
        }
      },
      abort: async () => {
        for (const k of written.splice(0)) await this.delete(k);
      },
    };
  }
}
