/** Named errors of the admin module, with stable codes; messages say what to do. */
export class AdminError extends Error {
  constructor(
    readonly code: 'admin.username_taken' | 'admin.not_found' | 'admin.invalid_input' | 'admin.unknown_unit',
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}
