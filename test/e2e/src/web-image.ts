import { LocalRegistry } from '@slipway/cloud';
import type Docker from 'dockerode';

export const WEB_IMAGE_PORT = 8080;

/**
 * A Dockerfile CMD serving /www on {@link WEB_IMAGE_PORT} with busybox httpd that stops on SIGTERM:
 * as PID 1 httpd ignores it, so every `docker stop` (each rollout's stop step) would wait 10 s.
 */
export const HTTPD_CMD = `CMD ["sh", "-c", "httpd -f -p ${WEB_IMAGE_PORT} -h /www & trap 'kill $!; exit 0' TERM; wait"]`;

/**
 * Makes a tiny web image locally (no pull: busybox httpd serving `body` on {@link WEB_IMAGE_PORT}),
 * pushes it to the local registry as `<registry>/<repository>:<tag>` and returns its digest — what
 * a build records in a Release. The local image is removed again; the registry keeps it. The image
 * carries `io.slipway.tenant=<the repository's first segment>`, as built images do, so the
 * tenant's clean-up by label also removes the copies agents pulled.
 */
export async function pushWebImage(options: {
  docker: Docker;
  registry: string;
  repository: string;
  tag: string;
  body: string;
}): Promise<{ image: string; digest: string }> {
  const { docker, registry, repository, tag, body } = options;
  const image = `${registry}/${repository}:${tag}`;
  const writer = await docker.createContainer({
    Image: 'slipway/busybox:local',
    Cmd: ['sh', '-c', 'mkdir -p /www && echo "$BODY" > /www/index.html'],
    Env: [`BODY=${body}`],
  });
  try {
    await writer.start();
    const exit = (await writer.wait()) as { StatusCode: number };
    if (exit.StatusCode !== 0) throw new Error(`writing the page exited ${exit.StatusCode}`);
    await writer.commit({
      repo: `${registry}/${repository}`,
      tag,
      changes: [HTTPD_CMD, `LABEL io.slipway.tenant=${repository.split('/')[0]}`],
    });
  } finally {
    await writer.remove({ force: true });
  }
  const stream = await docker.getImage(image).push({ authconfig: { serveraddress: registry } });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (error: Error | null, events: { error?: string }[]) => {
      const failed = events?.find((e) => e.error);
      if (error || failed) reject(error ?? new Error(failed?.error));
      else resolve();
    }),
  );
  await docker.getImage(image).remove({ force: true });
  const local = new LocalRegistry({ address: registry });
  try {
    const found = await local.imageExists({ repository, tag });
    if (!found) throw new Error(`${image} was pushed but the registry does not list it`);
    return { image, digest: found.digest };
  } finally {
    await local.close();
  }
}
