/** A path into the YAML data: map keys and list indexes. */
export type YamlPath = readonly PropertyKey[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * Formats a path the way people read it: `services.web.port`, `services.web.domains[0]`,
 * `branches."release/*"` (keys that are not plain names are quoted).
 */
export function formatPath(path: YamlPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else {
      const key = String(segment);
      const part = PLAIN_KEY.test(key) ? key : JSON.stringify(key);
      out += out === '' ? part : `.${part}`;
    }
  }
  return out;
}
