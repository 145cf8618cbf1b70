import { authorizeRepo } from '../authorize.js';
import type { Repo } from '../fake-state.js';
import type { GitTreeEntry } from '../git-repo.js';
import { GitHubError, notFound } from '../github-error.js';
import { repoJson } from '../github-shapes.js';
import { json, type Route, type RouteContext, route } from '../router.js';
import { gitOf, resolveCommit } from './resolve-commit.js';

/** GitHub inlines file content up to 1 MB; bigger files come back with encoding "none". */
const MAX_INLINE_BYTES = 1024 * 1024;
const RAW_MEDIA_TYPES = ['application/vnd.github.raw', 'application/vnd.github.v3.raw'];

const CONTENT_TYPES: Record<GitTreeEntry['mode'], string> = {
  '100644': 'file',
  '100755': 'file',
  '120000': 'symlink',
  '160000': 'submodule',
  '040000': 'dir',
};

function wantsRaw(context: RouteContext): boolean {
  const accept = String(context.headers.accept ?? '');
  return RAW_MEDIA_TYPES.some((type) => accept.includes(type));
}

/** GitHub wraps base64 at 60 characters with "\n". */
function wrappedBase64(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');
}

function entryJson(
  context: RouteContext,
  repo: Repo,
  ref: string,
  entry: GitTreeEntry,
): Record<string, unknown> {
  const { api, origin } = context.urls;
  const repoPath = `${repo.owner.login}/${repo.name}`;
  const type = CONTENT_TYPES[entry.mode] ?? 'file';
  const self = `${api}/repos/${repoPath}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${api}/repos/${repoPath}/git/${type === 'dir' ? 'trees' : 'blobs'}/${entry.sha}`;
  const htmlUrl = `${origin}/${repoPath}/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${entry.path}`;
  return {
    type,
    size: entry.size,
    name: entry.path.split('/').pop() ?? '',
    path: entry.path,
    sha: entry.sha,
    url: self,
    git_url: gitUrl,
    html_url: htmlUrl,
    download_url: type === 'file' ? `${origin}/raw/${repoPath}/${ref}/${entry.path}` : null,
    _links: { self, git: gitUrl, html: htmlUrl },
  };
}

async function getContent(context: RouteContext) {
  const { repo } = authorizeRepo(context, { contents: 'read' });
  const git = gitOf(repo);
  const ref = context.query.get('ref') || repo.defaultBranch;
  const sha = await resolveCommit(repo, ref);
  if (!sha) throw new GitHubError({ status: 404, message: `No commit found for the ref ${ref}` });
  const path = (context.params.path ?? '').replace(/^\/+|\/+$/g, '');
  const entry = await git.entry(sha, path);
  if (!entry) throw notFound(`no ${path} at ${ref} (${sha})`);

  if (entry.type === 'tree') {
    const children = await git.listTree(sha, path);
    return json(
      200,
      children.map((child) => entryJson(context, repo, ref, child)),
    );
  }
  const bytes = await git.readBlob(entry.sha);
  if (wantsRaw(context)) {
    return { status: 200, body: bytes, headers: { 'content-type': 'text/plain; charset=utf-8' } };
  }
  const base = entryJson(context, repo, ref, entry);
  if (base.type === 'symlink') return json(200, { ...base, target: bytes.toString('utf8') });
  const inline = bytes.length <= MAX_INLINE_BYTES;
  return json(200, {
    ...base,
    encoding: inline ? 'base64' : 'none',
    content: inline ? wrappedBase64(bytes) : '',
  });
}

/** Repository metadata and file contents at a ref, read from the repo's real git repository. */
export const contentsRoutes: Route[] = [
  route('GET', '/repos/:owner/:repo', (context) => {
    const { repo } = authorizeRepo(context, { metadata: 'read' });
    return json(200, repoJson(context.urls, repo));
  }),
  route('GET', '/repos/:owner/:repo/contents', getContent),
  route('GET', '/repos/:owner/:repo/contents/*path', getContent),
];
