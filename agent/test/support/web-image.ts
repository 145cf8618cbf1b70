import { testLabel } from '@slipway/devenv/testing';
import type Docker from 'dockerode';

export const BASE_IMAGE = 'slipway/busybox:local';
export const WEB_PORT = 8080;

/**
 * A test image that serves `/www/index.html` (holding `body`) with busybox httpd on
 * {@link WEB_PORT}: busybox with a file, committed with a CMD — no build, no pull. Labelled
 * with the test label so cleanupDocker removes it.
 */
export async function makeWebImage(options: {
  docker: Docker;
  prefix: string;
  body: string;
}): Promise<string> {
  const { docker, prefix, body } = options;
  const repo = `slipway-agent-test/${prefix}`;
  const writer = await docker.createContainer({
    Image: BASE_IMAGE,
    Cmd: ['sh', '-c', 'mkdir -p /www && echo "$BODY" > /www/index.html'],
    Env: [`BODY=${body}`],
    Labels: { [testLabel]: prefix },
  });
  await writer.start();
  const exit = (await writer.wait()) as { StatusCode: number };
  if (exit.StatusCode !== 0) throw new Error(`writing the test page exited ${exit.StatusCode}`);
  await writer.commit({
    repo,
    tag: 'web',
    changes: [`CMD ["httpd", "-f", "-p", "${WEB_PORT}", "-h", "/www"]`, `LABEL ${testLabel}=${prefix}`],
  });
  await writer.remove();
  return `${repo}:web`;
}
