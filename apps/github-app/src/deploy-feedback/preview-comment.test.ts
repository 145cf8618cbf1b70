import { describe, expect, it } from '@jest/globals';
import {
  isPreviewComment,
  PREVIEW_COMMENT_MARKER,
  previewCommentBody,
  previewLines,
} from './preview-comment.js';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const web = { service: 'web', url: 'http://web-pr-7.acme.localhost:8080', commit: a };
const api = { service: 'api', url: 'https://api-pr-7.acme.example.com', commit: a };

describe('previewCommentBody', () => {
  it('starts a comment with the marker and one row', () => {
    const body = previewCommentBody(undefined, web, 7);
    expect(body.split('\n').slice(0, 2)).toEqual([PREVIEW_COMMENT_MARKER, '### Slipway preview of #7']);
    expect(body).toContain(`| web | http://web-pr-7.acme.localhost:8080 | ${a} |`);
    expect(isPreviewComment(body)).toBe(true);
    expect(previewLines(body)).toEqual([web]);
  });

  it('adds a second service, keeps the first, and replaces a service row on a re-deploy', () => {
    const both = previewCommentBody(previewCommentBody(undefined, web, 7), api, 7);
    expect(previewLines(both)).toEqual([api, web]);
    const redeployed = previewCommentBody(both, { ...web, commit: b }, 7);
    expect(previewLines(redeployed)).toEqual([api, { ...web, commit: b }]);
    expect(redeployed.match(/\| web \|/g)).toHaveLength(1);
  });

  it('is the same text for the same rows, so a repeat writes nothing', () => {
    const body = previewCommentBody(undefined, web, 7);
    expect(previewCommentBody(body, web, 7)).toBe(body);
  });

  it('keeps a pipe in a URL from breaking the table', () => {
    const body = previewCommentBody(undefined, { ...web, url: 'http://x.test/a|b' }, 7);
    expect(previewLines(body)).toEqual([{ ...web, url: 'http://x.test/a%7Cb' }]);
  });
});

describe('isPreviewComment', () => {
  it('recognises only a comment that starts with the marker', () => {
    expect(isPreviewComment(`> ${PREVIEW_COMMENT_MARKER}`)).toBe(false);
    expect(isPreviewComment(undefined)).toBe(false);
  });
});
