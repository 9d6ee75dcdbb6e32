#!/usr/bin/env node
// A TLS front for a plain-http S3 server that counts requests (bench/s3.js runs it as its own
// process, since the benchmark blocks its own event loop while a tool runs).
//   node bench/tls-count-proxy.js UPSTREAM_PORT KEY CERT COUNT_FILE  → prints the port it listens on
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';

const [upstreamPort, keyFile, certFile, countFile] = process.argv.slice(2);
let total = 0;
const server = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) }, (req, res) => {
  total++;
  fs.writeFileSync(countFile, String(total));
  const fwd = http.request({ host: '127.0.0.1', port: Number(upstreamPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  fwd.on('error', () => res.destroy());
  req.pipe(fwd);
});
server.listen(0, '127.0.0.1', () => {
  fs.writeFileSync(countFile, '0');
  process.stdout.write(`${server.address().port}\n`);
});
