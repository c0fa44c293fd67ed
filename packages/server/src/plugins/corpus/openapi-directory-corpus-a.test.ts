import { describeCorpusShard } from './describe-corpus-shard.js';

// Part 1 of 2 of the corpus sample; the other part is in its own file so the two run on two cores.
describeCorpusShard(0, 2);
