/** Bad input from the user: printed as one line on stderr, exit code 2, never a stack trace. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const EXIT = {
  pass: 0,
  clientError: 1,
  usage: 2,
  serverError: 3,
  networkError: 4,
} as const;
