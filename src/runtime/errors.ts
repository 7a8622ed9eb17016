/** Every way a message can be refused. The README lists each with its meaning. */
export type AutoApiErrorCode =
  | 'TRUNCATED' // a size or header runs past the bytes that are there
  | 'TRAILING_BYTES' // bytes left over inside a value, property or message
  | 'BAD_SIZE' // a fixed-size value that is not its size
  | 'BAD_VERSION' // version byte other than 0x0d
  | 'UNKNOWN_MESSAGE_TYPE' // message type other than get, set, availability
  | 'DUPLICATE_COMPONENT' // the same component twice in one property
  | 'REPEATED_PROPERTY' // a single-valued property more than once in a message
  | 'DEPTH_LIMIT' // capability_state nested deeper than the limit
  | 'INVALID_VALUE' // a value that does not fit its declared type (encode, fromJSON)
  | 'UNKNOWN_NAME' // a name the spec does not define (fromJSON, encode)
  | 'FORBIDDEN_KEY' // __proto__, constructor or prototype in JSON input
  | 'WRONG_CAPABILITY' // a typed capability API given another capability's message
  | 'INVALID_INPUT'; // input that is not bytes, hex or base64

/**
 * A malformed message, or a value that cannot be encoded.
 * `offset` counts bytes from the start of the outermost input (-1 where no bytes are involved, as in encoding);
 * `path` names where it happened, e.g. `historical.states[1].charging.charging_rate.data`.
 */
export class AutoApiError extends Error {
  override name = 'AutoApiError';
  constructor(
    readonly code: AutoApiErrorCode,
    readonly offset: number,
    readonly detail: string,
    public path = '',
  ) {
    super(detail);
    this.refresh();
  }

  /** Puts `segment` in front of the path as the error travels outwards. */
  within(segment: string): this {
    if (segment === '') return this;
    this.path = this.path === '' ? segment : this.path[0] === '[' ? segment + this.path : `${segment}.${this.path}`;
    this.refresh();
    return this;
  }

  private refresh(): void {
    this.message = `${this.detail}${this.offset >= 0 ? ` at byte ${this.offset}` : ''}${this.path ? ` (${this.path})` : ''}`;
  }
}

/** Rethrows `e` with `segment` in front of its path; anything that is not an AutoApiError is a bug and passes. */
export function rethrowWithin(e: unknown, segment: string): never {
  if (e instanceof AutoApiError) throw e.within(segment);
  throw e;
}

export function truncated(offset: number, needed: number, left: number, what: string): AutoApiError {
  return new AutoApiError('TRUNCATED', offset, `needed ${needed} bytes for ${what}, ${left} left`);
}
