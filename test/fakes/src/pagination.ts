import { GitHubError } from './github-error.js';

/**
 * One page of `items` per GitHub's `per_page` (default 30, max 100) and `page` (from 1),
 * with the `link` header octokit.paginate follows.
 */
export function paginate<T>(items: readonly T[], url: URL): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
  const page = Number(url.searchParams.get('page') ?? 1);
  if (!Number.isInteger(page) || page < 1) {
    throw new GitHubError({
      status: 422,
      message: 'Validation Failed',
      reason: `page=${page} is not a positive integer`,
    });
  }
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (number: number): string => {
    const next = new URL(url);
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('page', String(number));
    return next.toString();
  };
  const links: string[] = [];
  if (page < lastPage) links.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(page - 1)}>; rel="prev"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(', ') } : {},
  };
}
