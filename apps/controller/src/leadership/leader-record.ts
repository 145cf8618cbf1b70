import type { LeaderLoop } from '../loops/leader-loop.js';

export const leaderRecordKey = 'controller/leader.json';

export interface LeaderRecord {
  owner: string;
  epoch: number;
  /** Wall-clock ms when this term began. */
  since: number;
}

/**
 * Writes the new term's record as its first act. The write carries the term's fence, so it also
 * advances the fence record at once: from this moment every leader-only write of an older term
 * (a paused or partitioned former leader) is refused, even before this leader has real work.
 * One write per term, which keeps S3 quiet at rest (DESIGN.md §4 rule 8).
 */
export function leaderRecordLoop(now: () => number = Date.now): LeaderLoop {
  return {
    name: 'leader-record',
    async run({ token, fence, store }) {
      const record: LeaderRecord = { owner: token.owner, epoch: token.epoch, since: now() };
      await store.put(leaderRecordKey, record, { fence });
    },
  };
}
