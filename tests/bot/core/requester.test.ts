import { describe, expect, it } from 'vitest';
import { channelOf } from '../../../src/bot/core/conversation-ref.js';
import { parseRequesterRef, requesterRef } from '../../../src/bot/core/requester.js';

describe('requester refs (a member inside a group)', () => {
  it('round-trips the group ref and the member id, and keeps the channel prefix', () => {
    for (const groupRef of ['telegram:-1001234567890', 'telegram:-1001234567890:topic:7', 'zalo:group:6100000000000000001']) {
      const ref = requesterRef({ groupRef, userId: '3000000000000000002' });
      expect(parseRequesterRef(ref)).toEqual({ groupRef, userId: '3000000000000000002' });
      expect(channelOf(ref)).toBe(channelOf(groupRef));
    }
  });

  it('is undefined for any other ref', () => {
    for (const ref of ['telegram:1001', 'zalo:user:123', 'zalo:group:123', 'web:abc', 'deleted:5', 'telegram:-100#member:']) {
      expect(parseRequesterRef(ref)).toBeUndefined();
    }
  });
});
