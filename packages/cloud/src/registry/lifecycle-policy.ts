import { RegistryError } from './errors.js';

/** ECR's limit on `countNumber` is far higher; beyond this a typo is likelier than intent. */
const MAX_KEEP_LAST = 10_000;

/**
 * The ECR lifecycle policy text that keeps the newest `keepLast` images of a repository and
 * expires the rest (tagged or not). Pure: the same input always gives the same string, so
 * PutLifecyclePolicy with it is idempotent and tests compare it exactly.
 *
 * @example
 * lifecyclePolicyText({ keepLast: 30 })
 * // '{"rules":[{"rulePriority":1,"description":"Keep the last 30 images",…,"action":{"type":"expire"}}]}'
 */
export function lifecyclePolicyText(options: { keepLast: number }): string {
  const { keepLast } = options;
  if (!Number.isInteger(keepLast) || keepLast < 1 || keepLast > MAX_KEEP_LAST)
    throw new RegistryError(
      'REGISTRY_INVALID_OPTION',
      `lifecycleKeepLast must be a whole number from 1 to ${MAX_KEEP_LAST}, not ${keepLast}.`,
    );
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `Keep the last ${keepLast} images`,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepLast },
        action: { type: 'expire' },
      },
    ],
  });
}
