/**
 * Thrown by a codec when the bytes are well-formed but the typed model cannot hold them exactly (an enum byte
 * or unit id the spec does not define, invalid UTF-8, a NaN payload). The component keeps its bytes as `Unknown`.
 */
export const UNREPRESENTABLE: unique symbol = Symbol('unrepresentable');
