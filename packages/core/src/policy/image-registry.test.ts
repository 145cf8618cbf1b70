import { describe, expect, it } from '@jest/globals';
import { imageRegistry, normaliseRegistry } from './image-registry.js';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('imageRegistry parses the registry host the way Docker does', () => {
  it.each([
    ['nginx', 'docker.io'],
    ['nginx:1.27', 'docker.io'],
    [`nginx@${digest}`, 'docker.io'],
    ['library/nginx', 'docker.io'],
    ['acme/web:1', 'docker.io'],
    ['a.b', 'docker.io'],
    ['docker.io/library/nginx', 'docker.io'],
    ['index.docker.io/library/nginx', 'docker.io'],
    ['ghcr.io/a/b:1', 'ghcr.io'],
    ['localhost/x', 'localhost'],
    ['localhost:5000/x', 'localhost:5000'],
    [`127.0.0.1:5000/x@${digest}`, '127.0.0.1:5000'],
    ['127.0.0.1:5000/acme/web:abc', '127.0.0.1:5000'],
    ['registry.example.com/x', 'registry.example.com'],
    ['registry.example.com:443/team/x:tag', 'registry.example.com:443'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/acme/web', '123456789012.dkr.ecr.us-east-1.amazonaws.com'],
    ['[::1]:5000/x', '[::1]:5000'],
    ['Registry/x', 'registry'],
    ['GHCR.IO/a/b', 'ghcr.io'],
  ])('%s → %s', (image, registry) => {
    expect(imageRegistry(image)).toBe(registry);
  });

  it.each(['', '/', '//x', ':', 'x/'])('never throws on the malformed reference %j', (image) => {
    expect(typeof imageRegistry(image)).toBe('string');
  });

  it('folds Docker Hub’s legacy name and letter case when comparing', () => {
    expect(normaliseRegistry('Index.Docker.IO')).toBe('docker.io');
    expect(normaliseRegistry('GHCR.io')).toBe('ghcr.io');
  });
});
