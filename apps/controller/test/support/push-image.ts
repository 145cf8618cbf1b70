// Pushes a tiny image straight through the Registry v2 HTTP API (no Docker engine needed): one
// config blob, one layer blob, one manifest. Returns the manifest digest the registry reports.
import { createHash, randomBytes } from 'node:crypto';

const digestOf = (body: Uint8Array) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

async function uploadBlob(address: string, repository: string, body: Uint8Array): Promise<string> {
  const digest = digestOf(body);
  const start = await fetch(`http://${address}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload refused: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', `http://${address}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body,
  });
  if (put.status !== 201) throw new Error(`blob upload failed: HTTP ${put.status} ${await put.text()}`);
  return digest;
}

export async function pushTinyImage(input: {
  address: string;
  repository: string;
  tag: string;
}): Promise<string> {
  const layer = new Uint8Array(randomBytes(64));
  const config = new TextEncoder().encode(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [digestOf(layer)] },
    }),
  );
  const configDigest = await uploadBlob(input.address, input.repository, config);
  const layerDigest = await uploadBlob(input.address, input.repository, layer);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: {
      mediaType: 'application/vnd.docker.container.image.v1+json',
      size: config.byteLength,
      digest: configDigest,
    },
    layers: [
      {
        mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        size: layer.byteLength,
        digest: layerDigest,
      },
    ],
  });
  const response = await fetch(`http://${input.address}/v2/${input.repository}/manifests/${input.tag}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json' },
    body: manifest,
  });
  if (response.status !== 201)
    throw new Error(`manifest push failed: HTTP ${response.status} ${await response.text()}`);
  const digest = response.headers.get('docker-content-digest');
  if (!digest) throw new Error('the registry sent no Docker-Content-Digest');
  return digest;
}
