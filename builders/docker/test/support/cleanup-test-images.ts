import { cleanupDocker, testLabel } from '@slipway/devenv/testing';
import type Docker from 'dockerode';

/**
 * cleanupDocker for this package's tests. Builds here share labelled layers (the test label is the
 * first LABEL step, so later images are its children), and cleanupDocker removes images in
 * parallel: a parent can be refused ("has dependent child images") while its children go.
 * A further pass then removes it; three passes cover the deepest chain our tests build.
 */
export async function cleanupTestImages(docker: Docker, prefix: string): Promise<void> {
  for (let pass = 1; ; pass += 1) {
    try {
      await cleanupDocker(docker, `${testLabel}=${prefix}`);
      return;
    } catch (error) {
      if (pass >= 3) throw error;
    }
  }
}
