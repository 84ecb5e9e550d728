import { MemoryStore } from '../../src/storage/memory-store.js';
import { storeConformance } from './conformance.js';

storeConformance('MemoryStore', () => new MemoryStore());
