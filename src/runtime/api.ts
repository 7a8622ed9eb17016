/** The typed per-capability API that generated modules export (e.g. `Charging.decode(bytes)`). */
import type { CapabilityCodec, ValueCodec } from './codec.js';
import { AutoApiError } from './errors.js';
import { decodeMessage, encodeMessage, type DecodeOptions, type RequestMessage, type StateMessage } from './message.js';
import { commandBuilder, type CommandBuilder } from './commands.js';
import { defineRegistry, type Registry } from './registry.js';

export interface TypedStateMessage<N extends string, S> extends StateMessage<S> {
  capability: N;
}

export interface TypedRequestMessage<N extends string> extends RequestMessage {
  capability: N;
}

/** A message of a capability this spec level does not define; its properties are all unknown. */
export type UnknownCapabilityMessage = (StateMessage<Record<string, never>> | RequestMessage) & { capability: undefined };

export interface CapabilityApi<N extends string, S> {
  readonly id: number;
  readonly name: N;
  readonly codec: CapabilityCodec;
  /** Decodes a message of this capability; another capability's message is an error. */
  decode(bytes: Uint8Array, options?: DecodeOptions): TypedStateMessage<N, S> | TypedRequestMessage<N>;
  /** Encodes a set message (a state, or a setter) from a typed state. */
  encode(state: S): Uint8Array;
}

/**
 * The typed API of one capability. `commands` receives a builder and returns the generated getters and
 * setters, which are merged into the API object.
 */
export function defineCapabilityApi<N extends string, S, C extends object = object>(
  codec: CapabilityCodec,
  components: () => [failure: ValueCodec<unknown>, availability: ValueCodec<unknown>],
  stateKeys: readonly string[] = [],
  commands?: (build: CommandBuilder) => C,
): CapabilityApi<N, S> & C {
  let own: Registry | undefined;
  const registry = () => (own ??= defineRegistry([codec], ...components()));
  const api: CapabilityApi<N, S> = {
    id: codec.id,
    name: codec.name as N,
    codec,
    decode(bytes, options) {
      const m = decodeMessage(registry(), bytes, options);
      if (m.capabilityId !== codec.id) {
        throw new AutoApiError('WRONG_CAPABILITY', 1, `expected ${codec.name} (0x${codec.id.toString(16).padStart(4, '0')}), got 0x${m.capabilityId.toString(16).padStart(4, '0')}`);
      }
      return m as TypedStateMessage<N, S>;
    },
    encode(state) {
      return encodeMessage(registry(), { type: 'set', capability: codec.name, capabilityId: codec.id, state: state as Record<string, unknown> });
    },
  };
  return Object.assign(api, commands?.(commandBuilder(codec, registry, stateKeys))) as CapabilityApi<N, S> & C;
}
