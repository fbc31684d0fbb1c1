/**
 * The channel-neutral message shapes. Adapters' pure mappers produce InboundMessage;
 * the pipeline produces OutboundMessage. Nothing here knows a platform's wire format.
 */

/** Channel names are data: the core never branches on them (capabilities decide behaviour). */
export type ChannelName = 'telegram' | 'zalo' | 'web' | 'memory';

export type MessageKind = 'text' | 'photo' | 'sticker' | 'voice' | 'video' | 'file' | 'location' | 'contact' | 'other';

export type InboundMessage = {
  channel: ChannelName;
  /** Opaque, channel-prefixed conversation id: telegram:123, zalo:user:…, zalo:group:…, web:…; see conversation-ref.ts. */
  conversationRef: string;
  chatType: 'private' | 'group';
  /** Unique within the channel (mappers prefix it with the chat where the platform's ids are per chat). */
  externalMessageId: string;
  sender: { externalUserId: string; displayName: string };
  /** Message text or caption; '' for media without caption. */
  text: string;
  kind: MessageKind;
  /** Platform handle for media so staff can receive it (file_id, url…); opaque to the core. */
  attachment?: { ref: string; mimeType?: string; fileName?: string };
  /** The external id of the message this one replies to or quotes, if any. */
  replyToExternalId?: string;
  /** True when the bot was @mentioned or replied to (matters in groups only). */
  addressedToBot: boolean;
  /** Set when the resident tapped a button rather than typing: the button's data. */
  action?: string;
  receivedAt: Date;
  /** The raw platform payload, for logs and debugging only. The core never reads it. */
  raw?: unknown;
};

export type OutboundButton = { label: string; data: string };

/**
 * A person named in the text, as data: `text` is the exact span of the message text that names them
 * (its first occurrence after the previous mention's is the mention), `userIds` the person's id per
 * channel. Each adapter renders what its platform can (a Zalo tag, a Telegram text_mention) and
 * otherwise leaves the plain name, which is why the name is always in the text.
 */
export type OutboundMention = { text: string; userIds: Partial<Record<ChannelName, string>> };

export type OutboundMessage = {
  conversationRef: string;
  text: string;
  /** Quick-reply buttons; channels without buttons show only the text (which must say what to type). */
  buttons?: OutboundButton[];
  /** Quote/reply to this external message id where the channel can. */
  replyToExternalId?: string;
  /** People named in `text`; rendered as real mentions where the channel can (capabilities.mentions). */
  mentions?: OutboundMention[];
};

/**
 * A copy of a message received in some conversation (a resident's photo) into another one (the staff
 * topic). The outbox stores it as a row of kind 'copy', so it is retried and survives a restart like
 * any text. `kind` and `attachment` let an adapter re-upload when the original is out of its reach;
 * `text` describes the copy in the transcript.
 */
export type OutboundCopy = {
  conversationRef: string;
  from: { conversationRef: string; externalMessageId: string };
  kind: MessageKind;
  attachment?: InboundMessage['attachment'];
  text: string;
};
