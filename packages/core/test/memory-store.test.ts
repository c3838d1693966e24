import { describeStoreContract, MemoryStore } from '../src/testing/index.js';

describeStoreContract('memory', async () => new MemoryStore());
