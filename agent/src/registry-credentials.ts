/** Registry credentials as Docker's X-Registry-Auth wants them; `{ serveraddress }` alone for an open registry. */
export interface RegistryAuth {
  serveraddress: string;
  username?: string;
  password?: string;
}

/**
 * Short-lived credentials for pulling `image`, from the controller; `undefined` pulls anonymously.
 * Called only when the image is not on the engine yet.
 */
export type CredentialsFor = (image: string) => Promise<RegistryAuth | undefined>;
