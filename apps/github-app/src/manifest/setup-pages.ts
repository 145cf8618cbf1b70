import type { AppManifest } from './app-manifest.js';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
code { background: #f6f8fa; padding: 0.1em 0.3em; border-radius: 4px; }
button { font: inherit; padding: 0.5rem 1rem; border-radius: 6px; border: 1px solid #1f883d; background: #1f883d; color: #fff; cursor: pointer; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** The page at `/`: what will be registered, and the button that posts the manifest to GitHub. */
export function registerPage(options: {
  manifest: AppManifest;
  createAppUrl: string;
  envFile: string;
}): string {
  const { manifest } = options;
  const permissions = Object.entries(manifest.default_permissions)
    .map(([name, level]) => `<li><code>${escapeHtml(name)}</code>: ${escapeHtml(level)}</li>`)
    .join('\n');
  return page(
    'Register Slipway as a GitHub App',
    `<h1>Register Slipway as a GitHub App</h1>
<p>Slipway has no GitHub App credentials yet. Register one on GitHub with the settings below;
GitHub then hands the credentials back here and they are written to <code>${escapeHtml(options.envFile)}</code>.</p>
<p>Webhooks will go to <code>${escapeHtml(manifest.hook_attributes.url)}</code>.</p>
<p>Permissions on the repositories you install it on:</p>
<ul>
${permissions}
</ul>
<p>Events: ${manifest.default_events.map((event) => `<code>${escapeHtml(event)}</code>`).join(', ')} (and installation events, which GitHub always sends).</p>
<form action="${escapeHtml(options.createAppUrl)}" method="post">
<input type="hidden" name="manifest" value="${escapeHtml(JSON.stringify(manifest))}">
<button type="submit">Register the GitHub App on GitHub</button>
</form>
`,
  );
}

/** After the credentials are written: restart, then install. */
export function registeredPage(options: { name: string; htmlUrl: string; envFile: string }): string {
  return page(
    'Slipway is registered',
    `<h1>Registered “${escapeHtml(options.name)}”</h1>
<p>The app's id, private key, webhook secret and OAuth client credentials are in
<code>${escapeHtml(options.envFile)}</code> (readable by you only). Keep that file out of version control.</p>
<ol>
<li>Restart Slipway (stop it and run <code>npm start</code> again) so it picks them up.</li>
<li>Then <a href="${escapeHtml(`${options.htmlUrl}/installations/new`)}">install the app</a> on the repositories to deploy.</li>
</ol>
`,
  );
}

/** Something went wrong; `message` says what to do next. */
export function problemPage(message: string): string {
  return page('GitHub App registration', `<h1>GitHub App registration</h1>\n<p>${escapeHtml(message)}</p>\n`);
}
