import { get } from 'node:http';

/** GET `/` through the edge on `port` as `host`: `"<status> <body>"` (Node's fetch cannot send a Host header). */
export function edgeGet(port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(`${res.statusCode} ${body}`));
      res.on('error', reject);
    });
    request.on('error', reject);
  });
}
