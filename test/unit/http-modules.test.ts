import assert from 'node:assert/strict';
import { decideDownload, parseChecksum, urlFileName } from '../../lib/modules/get_url.js';
import { curlConfig, formUrlencoded, parseHeaderBlocks, pythonJson } from '../../lib/modules/http-request.js';
import { parseResponse, prepareBody, uriResult } from '../../lib/modules/uri.js';

// Host-free: arguments and the host's answers in, decisions, curl's config and registered results out.
const request = { url: 'https://example.test/a b', headers: {}, validate_certs: true, use_proxy: true, http_agent: 'ansible-httpget' };

describe('get_url: decisions (Ansible 2.14 modules/get_url.py)', () => {
  it('reads checksums as Ansible does', () => {
    assert.deepEqual(parseChecksum('sha256:AB:CD ef'), { algorithm: 'sha256', digest: 'abcdef' });
    assert.equal(parseChecksum(''), undefined);
    assert.throws(() => parseChecksum('abcdef'), /has to be in format <algorithm>:<checksum>/);
    assert.throws(() => parseChecksum('sha256:xyz'), /The checksum format is invalid/);
    assert.throws(() => parseChecksum('crc32:abcd'), /unsupported checksum algorithm 'crc32'/);
    assert.throws(() => parseChecksum('sha256:https://example.test/SHA256SUMS'), /not supported/);
  });

  it('downloads when dest is missing, a directory, forced, or its checksum differs; keeps it otherwise', () => {
    const keep = { force: false };
    assert.equal(decideDownload(keep, { exists: false, isDirectory: false }, {}), true);
    assert.equal(decideDownload(keep, { exists: true, isDirectory: true }, {}), true);
    assert.equal(decideDownload({ force: true }, { exists: true, isDirectory: false }, {}), true);
    assert.equal(decideDownload(keep, { exists: true, isDirectory: false }, { want: 'aa', have: 'bb' }), true);
    assert.equal(decideDownload(keep, { exists: true, isDirectory: false }, { want: 'aa', have: 'aa' }), false);
    assert.equal(decideDownload(keep, { exists: true, isDirectory: false }, {}), false);
  });

  it('names a file in a dest directory after the URL', () => {
    assert.equal(urlFileName('http://h/x/helm-v3.tar.gz?a=1'), 'helm-v3.tar.gz');
    assert.equal(urlFileName('http://h/'), 'index.html');
  });
});

describe('curl on the host: its config on stdin', () => {
  it('quotes values and keeps credentials and headers out of the command line', () => {
    const config = curlConfig({ ...request, url_username: 'u', url_password: 'p"w', validate_certs: false }, { url: request.url, method: 'POST', headers: [['X-Token', 'a\\b']], timeout: 10, followRedirects: false, bodyFile: 'body' });
    assert.equal(config, [
      'url = "https://example.test/a b"', 'silent', 'show-error', 'connect-timeout = 10', 'speed-limit = 1', 'speed-time = 10',
      'user-agent = "ansible-httpget"', 'request = "POST"', 'insecure', 'user = "u:p\\"w"', 'header = "X-Token: a\\\\b"', 'data-binary = "@body"', '',
    ].join('\n'));
  });

  it('reads the last response of a redirect chain', () => {
    const parsed = parseHeaderBlocks('HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\n');
    assert.deepEqual(parsed, { status: 200, reason: 'OK', headers: { 'content-type': 'text/plain', 'content-length': '3' } });
  });
});

describe('uri: bodies and results as Ansible shapes them', () => {
  it('encodes json as Python json.dumps and forms as urlencode', () => {
    assert.equal(pythonJson({ name: 'runbook', list: [1, 'two', true], nested: { a: null }, u: 'é' }), '{"name": "runbook", "list": [1, "two", true], "nested": {"a": null}, "u": "\\u00e9"}');
    assert.equal(formUrlencoded({ user: 'a b', sign: 'x&y=z*~' }), 'user=a+b&sign=x%26y%3Dz%2A~');
    assert.deepEqual(prepareBody({ body: { a: 1 }, body_format: 'json', headers: {} }), { body: '{"a": 1}', headers: [['Content-Type', 'application/json']] });
    assert.deepEqual(prepareBody({ body: 'a=1', body_format: 'form-urlencoded', headers: { 'content-type': 'text/x' } }), { body: 'a=1', headers: [['content-type', 'text/x']] });
  });

  it('registers status, headers, json and content; a status not expected fails with Ansible\'s message', () => {
    const headers = 'HTTP/1.0 201 Created\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n';
    const body = '{"a": 1}\n';
    const stdout = Buffer.from(`0 0 ${headers.length} ${body.length} 201 http://h/status/201\n${headers}${body}`);
    const response = parseResponse(stdout);
    assert.equal(response.status, 201);
    const ok = uriResult({ url: 'http://h/status/201', return_content: true, status_code: [200, 201] }, response);
    assert.equal(ok.failed, false);
    assert.deepEqual(ok.result, {
      content_type: 'application/json', content_length: '9', status: 201, url: 'http://h/status/201', redirected: false, msg: 'OK (9 bytes)',
      cookies: {}, cookies_string: '', elapsed: 0, changed: false, json: { a: 1 }, content: body,
    });
    const bad = uriResult({ url: 'http://h/status/201', return_content: false, status_code: [200] }, response);
    assert.equal(bad.failed, true);
    assert.equal(bad.result.msg, 'Status code was 201 and not [200]: OK (9 bytes)');
  });
});
