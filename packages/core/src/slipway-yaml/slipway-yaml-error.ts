/** What went wrong, for programs; the message is for people. */
export type SlipwayYamlErrorCode =
  | 'not_text'
  | 'too_large'
  | 'syntax'
  | 'empty'
  | 'duplicate_key'
  | 'bad_key'
  | 'unknown_key'
  | 'missing'
  | 'invalid'
  | 'unreadable'
  | 'too_many_errors';

/**
 * One problem in slipway.yaml. `message` is complete and stands alone, e.g.
 * "services.web.port: expected a number from 1 to 65535, got 'eighty' (line 7, column 11)".
 */
export interface SlipwayYamlError {
  code: SlipwayYamlErrorCode;
  /** Dotted path of the offending setting, e.g. `services.web.port`; '' for the whole file. */
  path: string;
  /** 1-based line of the offending value (or key, for unknown keys and missing settings). */
  line: number;
  /** 1-based column. */
  column: number;
  message: string;
}

/** Builds an error whose message reads "<path>: <problem> (line L, column C)". */
export function slipwayYamlError(
  code: SlipwayYamlErrorCode,
  path: string,
  problem: string,
  position: { line: number; column: number },
): SlipwayYamlError {
  const where = path === '' ? 'slipway.yaml' : path;
  return {
    code,
    path,
    line: position.line,
    column: position.column,
    message: `${where}: ${problem} (line ${position.line}, column ${position.column})`,
  };
}
