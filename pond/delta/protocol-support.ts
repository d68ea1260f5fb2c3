import { ErrorCode, PondError } from '../../shared/errors.js';
import type { Metadata, Protocol } from './actions.js';
import type { StructType } from './schema.js';

/**
 * What this library implements of the protocol's versions and table features (PROTOCOL
 * "Protocol Evolution", "Table Features"). A table that needs more is refused before any data
 * is read, with the feature named.
 */

/** Reader features we honour: vacuumProtocolCheck only asks readers to acknowledge it. */
const READER_FEATURES: ReadonlySet<string> = new Set(['vacuumProtocolCheck']);

/** The protocol we write: reader 1 / writer 2, no table features. */
export const WRITE_PROTOCOL: Protocol = { minReaderVersion: 1, minWriterVersion: 2 };

function columnMappingMode(md: Metadata | undefined): string {
  return md?.configuration['delta.columnMapping.mode'] ?? 'none';
}

export function checkReadSupport(
  protocol: Protocol,
  metadata: Metadata | undefined,
  where: string,
): void {
  const { minReaderVersion: reader } = protocol;
  const refuse = (what: string): never => {
    throw new PondError(
      ErrorCode.DeltaUnsupported,
      `${where} needs ${what}, which this Delta reader does not support`,
      {
        input: JSON.stringify(protocol),
      },
    );
  };
  if (reader < 1 || reader > 3) refuse(`reader version ${reader} (supported: 1 to 3)`);
  const mode = columnMappingMode(metadata);
  if (reader === 2 && mode !== 'none')
    refuse(`reader feature columnMapping (delta.columnMapping.mode=${mode})`);
  if (reader === 3) {
    if (protocol.readerFeatures === undefined) {
      throw new PondError(
        ErrorCode.DeltaCorrupt,
        `${where}: reader version 3 without readerFeatures`,
        {
          input: JSON.stringify(protocol),
        },
      );
    }
    // columnMapping with mode 'none' maps nothing: physical names are the logical ones.
    const missing = protocol.readerFeatures.filter(
      (f) => !READER_FEATURES.has(f) && !(f === 'columnMapping' && mode === 'none'),
    );
    if (mode !== 'none' && !missing.includes('columnMapping')) missing.push('columnMapping');
    if (missing.length > 0)
      refuse(`reader feature${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  }
}

/**
 * Writers must implement every feature of the table (PROTOCOL "Table Features"). We implement
 * writer version 2: append-only tables and column invariants (which we refuse to write to,
 * since we cannot evaluate their SQL).
 */
export function checkWriteSupport(protocol: Protocol, schema: StructType, where: string): void {
  if (protocol.minWriterVersion > 2 || protocol.minReaderVersion > 1) {
    throw new PondError(
      ErrorCode.DeltaUnsupported,
      `${where} has protocol (reader ${protocol.minReaderVersion}, writer ${protocol.minWriterVersion}); ` +
        `this Delta writer only writes tables at (1, 2)`,
      { input: JSON.stringify(protocol) },
    );
  }
  const invariant = schema.fields.find((f) => f.metadata['delta.invariants'] !== undefined);
  if (invariant) {
    throw new PondError(
      ErrorCode.DeltaUnsupported,
      `${where}: column '${invariant.name}' has a delta.invariants constraint, which this Delta writer cannot enforce`,
      { input: invariant.name },
    );
  }
}
