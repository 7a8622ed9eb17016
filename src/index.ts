/**
 * auto-api-codec: decode and encode High Mobility Auto API (level 13) messages.
 *
 *   import { decode, encode, toJSON, fromJSON, Charging } from 'auto-api-codec';
 */
export * from './generated/index.js';
export {
  AutoApiError,
  Unknown,
  fromHex,
  toHex,
  fromBase64,
  toBase64,
  type AutoApiErrorCode,
  type DecodeIssue,
  type DecodeOptions,
  type Json,
  type Measured,
  type PropertyOf,
  type RequestMessage,
  type StateMessage,
  type Timestamp,
  type UnknownComponent,
  type UnknownProperty,
} from './runtime/index.js';
