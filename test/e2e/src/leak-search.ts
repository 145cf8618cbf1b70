/** One thing a run left behind (a log line, a Redis value, a request body…) and where it came from. */
export interface Captured {
  where: string;
  text: string;
}

/**
 * The ways `value` could be written down by mistake: as is, in hex, and in base64 / base64url at
 * each of the three byte alignments it can have inside a longer encoded text (only the characters
 * that depend on `value` alone are kept, so a match inside any larger blob is found).
 */
export function encodedForms(value: string): Map<string, string> {
  const bytes = Buffer.from(value, 'utf8');
  const forms = new Map<string, string>([
    ['as is', value],
    ['hex', bytes.toString('hex')],
  ]);
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift), bytes]);
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = shifted.toString(encoding).replace(/=+$/, '');
      // The first group mixes in the padding bytes, the last may be partial: both are dropped.
      const core = shift === 0 ? encoded.slice(0, -4) : encoded.slice(4, -4);
      forms.set(`${encoding} at offset ${shift}`, core);
    }
  }
  return forms;
}

/**
 * Where `value` (in any of its {@link encodedForms}) occurs in `captured`: `"<where>: <form>"`
 * per hit — never the text around it, so a failing assertion does not print the secret.
 */
export function findLeaks(value: string, captured: Iterable<Captured>): string[] {
  const forms = [...encodedForms(value)];
  const leaks: string[] = [];
  for (const { where, text } of captured) {
    for (const [form, encoded] of forms) if (text.includes(encoded)) leaks.push(`${where}: ${form}`);
  }
  return leaks;
}
