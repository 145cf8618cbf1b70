/** Machine-readable reasons a registry operation failed. */
export type RegistryErrorCode =
  /** A tenant, service, repository or tag is not a valid name; nothing was sent. */
  | 'REGISTRY_INVALID_NAME'
  /** An adapter option is out of range; fix the configuration. */
  | 'REGISTRY_INVALID_OPTION'
  /** The registry could not be reached, or answered with a server error. */
  | 'REGISTRY_UNAVAILABLE'
  /** The registry refused or did not understand a request. */
  | 'REGISTRY_REQUEST_FAILED';

/** The one error class this package throws on purpose; switch on `code`. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
