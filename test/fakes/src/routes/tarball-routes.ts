import { authorizeRepo } from '../authorize.js';
import { notFound } from '../github-error.js';
import { type Route, type RouteContext, route } from '../router.js';
import { gitOf, resolveCommit } from './resolve-commit.js';

async function redirectToCodeload(context: RouteContext) {
  const { repo } = authorizeRepo(context, { contents: 'read' });
  gitOf(repo);
  const ref = context.params.ref || repo.defaultBranch;
  const sha = await resolveCommit(repo, ref);
  if (!sha) throw notFound(`no ref ${ref} in ${repo.owner.login}/${repo.name}`);
  const location = context.codeload.create({
    owner: repo.owner.login,
    repo: repo.name,
    repoId: repo.id,
    sha,
  });
  return { status: 302, body: Buffer.alloc(0), headers: { location } };
}

async function serveTarball(context: RouteContext) {
  const grant = context.codeload.check(context.query.get('token') ?? '');
  if (!grant) throw notFound('the codeload link is unknown or expired; ask /tarball/{ref} for a new one');
  const repo = context.state.repoById(grant.repoId);
  if (!repo) throw notFound('the repository of this codeload link was removed');
  const archive = await gitOf(repo).archive(grant.sha, grant.prefix);
  return {
    status: 200,
    body: archive,
    headers: {
      'content-type': 'application/x-gzip',
      'content-disposition': `attachment; filename=${grant.prefix}.tar.gz`,
      etag: `"${grant.sha}"`,
    },
  };
}

/**
 * `GET /repos/{owner}/{repo}/tarball/{ref}` answers 302 to the fake codeload, which serves
 * `git archive` of the commit with GitHub's single top folder `<owner>-<repo>-<short sha>/`.
 */
export const tarballRoutes: Route[] = [
  route('GET', '/repos/:owner/:repo/tarball', redirectToCodeload),
  route('GET', '/repos/:owner/:repo/tarball/*ref', redirectToCodeload),
  route('GET', '/_codeload/:owner/:repo/legacy.tar.gz/:sha', serveTarball),
];
