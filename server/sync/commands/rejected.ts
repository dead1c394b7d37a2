/** A definitive "no" (answered as `rejected` with this code); throw it before writing anything. */
export class CommandRejected extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
