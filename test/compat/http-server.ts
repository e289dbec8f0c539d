// A local HTTP server for fixtures about get_url and uri: started by the harness on 127.0.0.1
// (sandbox hosts share the machine's network), never the internet. It serves a fixture's
// www/ folder under /files/ (Last-Modified, If-Modified-Since → 304, as Python's http.server),
// echoes requests at /echo, answers /status/NNN with that status, and redirects /redirect/x to /files/x.
import { createServer, type Server } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';

export interface FixtureServer { url: string; close(): Promise<void> }

export function startFixtureServer(root: string): Promise<FixtureServer> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
      const json = (status: number, value: unknown) => {
        const body = Buffer.from(`${JSON.stringify(value)}\n`);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
        res.end(body);
      };
      if (path === '/echo') {
        return json(200, { method: req.method, path, content_type: req.headers['content-type'] ?? null, x_token: req.headers['x-token'] ?? null, body: Buffer.concat(chunks).toString('utf8') });
      }
      const status = /^\/status\/(\d{3})$/.exec(path);
      if (status) return json(Number(status[1]), { status: Number(status[1]) });
      if (path.startsWith('/redirect/')) {
        res.writeHead(302, { Location: `/files/${path.slice('/redirect/'.length)}`, 'Content-Length': 0 });
        return res.end();
      }
      if (path.startsWith('/files/')) {
        const file = join(root, normalize(path.slice('/files/'.length)).replace(/^(\.\.[/\\])+/, ''));
        let mtime: Date;
        try {
          mtime = statSync(file).mtime;
        } catch {
          res.writeHead(404, { 'Content-Length': 0 });
          return res.end();
        }
        const since = req.headers['if-modified-since'];
        if (since && Math.floor(mtime.getTime() / 1000) <= Math.floor(new Date(since).getTime() / 1000)) {
          res.writeHead(304);
          return res.end();
        }
        const body = readFileSync(file);
        res.writeHead(200, { 'Content-Type': file.endsWith('.txt') ? 'text/plain' : 'application/octet-stream', 'Content-Length': body.length, 'Last-Modified': mtime.toUTCString() });
        return res.end(req.method === 'HEAD' ? undefined : body);
      }
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('no address'));
      resolve({ url: `http://127.0.0.1:${address.port}`, close: () => new Promise((done) => server.close(() => done())) });
    });
  });
}
