#!/usr/bin/env node
// A TLS front for a plain-http S3 server that counts requests (bench/s3.js runs it as its own
// process, since the benchmark blocks its own event loop while a tool runs).
//   node bench/tls-count-proxy.js UPSTREAM_PORT KEY CERT COUNT_FILE  → prints the port it listens on
// COUNT_FILE holds JSON: { total, byType: { "PUT data": n, "GET index": n, "LIST": n, … } } — the
// type is the S3 operation (PUT, GET, HEAD, LIST, DELETE, POST for multipart) and, for object
// requests, the first folder of the key below the tool's prefix (bucket/<tool>/<folder>/…).
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

const [upstreamPort, keyFile, certFile, countFile] = process.argv.slice(2);
const counts = { total: 0, byType: {} };

function typeOf(req) {
  const url = new URL(req.url, 'https://x');
  const parts = url.pathname.split('/').filter(Boolean); // bucket, tool, folder, …
  const q = url.searchParams;
  let op = req.method;
  if (req.method === 'GET' && parts.length <= 1) op = q.has('uploads') ? 'LIST-UPLOADS' : 'LIST';
  else if (req.method === 'POST') op = 'POST';
  else if (req.method === 'PUT' && q.has('partNumber')) op = 'PUT-PART';
  const folder = parts.length > 3 ? parts[2] : parts.length === 3 ? parts[2] : '';
  const prefix = q.get('prefix');
  const what = parts.length <= 1 ? (prefix ? prefix.split('/').slice(1, 2).join('') || prefix : '') : folder;
  return what ? `${op} ${what}` : op;
}

const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (req, res) => {
  counts.total++;
  const t = typeOf(req);
  counts.byType[t] = (counts.byType[t] ?? 0) + 1;
  fs.writeFileSync(countFile, JSON.stringify(counts));
  const fwd = http.request({ host: '127.0.0.1', port: Number(upstreamPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  fwd.on('error', () => res.destroy());
  req.pipe(fwd);
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(countFile, JSON.stringify(counts));
  process.stdout.write(`${server.address().port}\n`);
});
