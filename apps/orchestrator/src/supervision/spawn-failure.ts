/** Why a program could not be started, and whether starting it again could help. */
export interface SpawnFailure {
  message: string;
  /** The same command fails the same way on every retry: restarting it only delays the answer. */
  permanent: boolean;
}

/** Errors of spawn that no retry of the same command gets past. */
const PERMANENT_CODES = new Set(['ENOENT', 'EACCES', 'ENOTDIR', 'EISDIR']);

/**
 * The operator's words for a failed spawn: Node's own ("spawn switchyard ENOENT") say neither
 * which program nor where it was looked for.
 */
export function describeSpawnFailure(
  program: string,
  code: string | undefined,
  fallback: string,
): SpawnFailure {
  const permanent = code !== undefined && PERMANENT_CODES.has(code);
  const where = program.includes('/') ? '' : ' on PATH';
  switch (code) {
    case 'ENOENT':
      return { permanent, message: `program "${program}" not found${where}` };
    case 'EACCES':
      return { permanent, message: `program "${program}" cannot be executed (permission denied)` };
    default:
      return { permanent, message: fallback };
  }
}
