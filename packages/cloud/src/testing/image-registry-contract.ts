import { afterAll, describe, expect, it } from '@jest/globals';
import { RegistryError } from '../registry/errors.js';
import type { ImageRegistry } from '../registry/image-registry.js';

/** What a contract run needs: a registry and a tenant id no other run uses. */
export interface RegistryFixture {
  registry: ImageRegistry;
  tenant: string;
}

/**
 * The behaviour every `ImageRegistry` must share, whatever stores the images. Repositories it
 * creates belong to `fixture.tenant` and are deleted afterwards.
 */
export function describeImageRegistryContract(name: string, make: () => RegistryFixture): void {
  describe(`ImageRegistry contract: ${name}`, () => {
    const { registry, tenant } = make();
    const services = ['web', 'worker', 'api'];

    afterAll(async () => {
      for (const service of services) await registry.deleteRepository({ tenant, service });
    });

    it('returns the same repository when ensured twice', async () => {
      const first = await registry.ensureRepository({ tenant, service: 'web' });
      const second = await registry.ensureRepository({ tenant, service: 'web' });
      expect(second).toEqual(first);
      expect(first.name).toMatch(new RegExp(`(^|/)${tenant}/web$`));
      expect(first.repositoryUri.endsWith(`/${first.name}`)).toBe(true);
    });

    it('keeps tenants and services apart in repository names', async () => {
      const web = await registry.ensureRepository({ tenant, service: 'web' });
      const worker = await registry.ensureRepository({ tenant, service: 'worker' });
      expect(worker.name).not.toBe(web.name);
      expect(worker.name).toContain(`${tenant}/worker`);
    });

    it('gives credentials for the host that repository URIs name', async () => {
      const credentials = await registry.credentials();
      const { repositoryUri } = await registry.ensureRepository({ tenant, service: 'api' });
      expect(typeof credentials.serveraddress).toBe('string');
      expect(repositoryUri.startsWith(`${credentials.serveraddress}/`)).toBe(true);
      // A user name without a password (or the reverse) is never valid authconfig.
      expect(credentials.username === undefined).toBe(credentials.password === undefined);
    });

    it('reports an unknown tag, and a repository that was never made, as absent', async () => {
      const { name } = await registry.ensureRepository({ tenant, service: 'web' });
      await expect(registry.imageExists({ repository: name, tag: 'no-such-tag' })).resolves.toBeUndefined();
      await expect(
        registry.imageExists({ repository: `${name}-never-made`, tag: 'v1' }),
      ).resolves.toBeUndefined();
    });

    it('lists nothing for a tenant that has no repositories', async () => {
      await expect(registry.listRepositories({ tenant: `${tenant}-empty` })).resolves.toEqual([]);
    });

    it('deletes a missing repository without complaint', async () => {
      await expect(
        registry.deleteRepository({ tenant: `${tenant}-empty`, service: 'web' }),
      ).resolves.toBeUndefined();
    });

    it.each([
      ['a tenant with a slash', { tenant: 'acme/../x', service: 'web' }],
      ['a tenant with capitals', { tenant: 'Acme', service: 'web' }],
      ['an empty service', { tenant: 'acme', service: '' }],
    ])('refuses %s before calling the registry', async (_label, ref) => {
      await expect(registry.ensureRepository(ref)).rejects.toMatchObject({
        name: 'RegistryError',
        code: 'REGISTRY_INVALID_NAME',
      });
    });

    it('refuses a tag that could bend a URL', async () => {
      const { name } = await registry.ensureRepository({ tenant, service: 'web' });
      await expect(registry.imageExists({ repository: name, tag: '../v1' })).rejects.toBeInstanceOf(
        RegistryError,
      );
    });
  });
}
