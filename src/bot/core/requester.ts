/**
 * A requester is one person inside one group chat: (group, sender). In a residents' group every
 * member is their own requester, with their own conversation row, so tickets, the privacy notice,
 * the unit choice, the clarify context, the rating and "delete my data" are theirs, not the group's.
 *
 * The requester's conversation ref extends the group's ref with `#member:<user id>`. It is never
 * sent to: whoever sends to a resident resolves it to the group (a reply to their message with a
 * real mention) or to their private chat (src/handoff/resident/resident.delivery.ts). The part after
 * '#' is the core's own; the group ref before it stays opaque (adapters never use '#').
 */
const MEMBER = '#member:';

export type Requester = { groupRef: string; userId: string };

export function requesterRef({ groupRef, userId }: Requester): string {
  return `${groupRef}${MEMBER}${userId}`;
}

/** The group and member of a requester ref; undefined for any other ref (a private chat, a group). */
export function parseRequesterRef(conversationRef: string): Requester | undefined {
  const at = conversationRef.lastIndexOf(MEMBER);
  if (at <= 0) return undefined;
  const userId = conversationRef.slice(at + MEMBER.length);
  if (userId === '') return undefined;
  return { groupRef: conversationRef.slice(0, at), userId };
}
