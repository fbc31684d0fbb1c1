export class OutboxError extends Error {
  constructor(
    readonly code: 'outbox.unknown_channel' | 'outbox.empty_message' | 'outbox.copy_unsupported' | 'outbox.unit_closed',
    message: string,
  ) {
    super(message);
    this.name = 'OutboxError';
  }
}
