import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { parseCurl } from '../dist/inputs/curl.js';
import { InputError } from '../dist/inputs/raw.js';

const fixture = (name) => readFileSync(new URL(`./fixtures/inputs/${name}`, import.meta.url), 'utf8');

function inputError(fn) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, InputError);
    assert.not.match(err.message, /\n/, 'one line');
    return err.message;
  }
  assert.unreachable('expected an InputError');
}

// Chrome DevTools' "Copy as cURL (bash)" quoting (escapeStringPosix in its network panel), written out here so the
// parser is tested against what the browser actually emits.
function chromePosix(str) {
  const escapeCharacter = (x) => '\\u' + x.charCodeAt(0).toString(16).padStart(4, '0');
  if (/[\0-\x1F\x7F-\x9F!]|'/.test(str)) {
    return "$'" + str.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')
      .replace(/[\0-\x1F\x7F-\x9F!]/g, escapeCharacter) + "'";
  }
  return "'" + str + "'";
}

// The same for "Copy as cURL (cmd)" (escapeStringWin): ^-escapes for cmd.exe, \" for curl.exe's C runtime.
function chromeWin(str) {
  return '^"' + str.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
    .replace(/[^a-zA-Z0-9\s_\-:=+~'\/.',?;()*`]/g, '^$&')
    .replace(/%(?=[a-zA-Z0-9_])/g, '%^')
    .replace(/\r?\n/g, '^\n\n') + '^"';
}

test('the vendor README example, written over several lines', () => {
  const r = parseCurl(fixture('readme-lookup.curl.txt'));
  assert.is(r.method, 'GET');
  assert.is(r.url, 'https://api.mashvisor.com/v1.1/client/lookup?address=3703%20Endicott%20Dr&city=Killeen&state=TX&zip_code=76549&resource=airbnb');
  assert.equal(r.headers, { 'x-api-key': 'YOUR_API_KEY' });
  assert.is(r.body, null);
  assert.is(r.notes, undefined);
});

test('CRLF line endings (a README saved on Windows) read the same', () => {
  const r = parseCurl(fixture('readme-lookup.curl.txt').replace(/\n/g, '\r\n'));
  assert.is(r.url, 'https://api.mashvisor.com/v1.1/client/lookup?address=3703%20Endicott%20Dr&city=Killeen&state=TX&zip_code=76549&resource=airbnb');
  assert.equal(r.headers, { 'x-api-key': 'YOUR_API_KEY' });
});

test('Chrome "Copy as cURL (bash)" with many headers, cookies and --compressed', () => {
  const r = parseCurl(fixture('chrome-bash.curl.txt'));
  assert.is(r.method, 'GET');
  assert.is(r.url, 'https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&city=Los%20Angeles&source=airbnb');
  assert.is(Object.keys(r.headers).length, 16); // 15 -H and the -b cookies
  assert.is(r.headers['x-api-key'], '3f2a9c0e-test-key-not-real');
  assert.is(r.headers['sec-ch-ua'], '"Chromium";v="124", "Google Chrome";v="124", "Not-A.Brand";v="99"');
  assert.is(r.headers['sec-ch-ua-mobile'], '?0');
  assert.is(r.headers['accept'], 'application/json, text/plain, */*');
  assert.is(r.headers.Cookie, '_ga=GA1.2.1234567890.1700000000; _gid=GA1.2.987654321.1700000000');
  assert.is(r.body, null);
  // The cookie is read (for the secrets list and the report) and the user told it is not replayed.
  assert.equal(r.notes, ['-b/--cookie: the cookie is not sent again (the Mashvisor API reads the key from a header, not from cookies)']);
});

test('RapidAPI snippet: --request and --url, tab-indented continuation lines', () => {
  const r = parseCurl(fixture('rapidapi.curl.txt'));
  assert.equal(r, {
    method: 'GET',
    url: 'https://mashvisor-api.p.rapidapi.com/rental-rates?source=airbnb&state=CA',
    headers: { 'x-rapidapi-host': 'mashvisor-api.p.rapidapi.com', 'x-rapidapi-key': 'rapid-test-key-not-real' },
    body: null,
    methodFrom: '-X/--request GET',
    shellExpanded: true,
  });
});

test('Postman snippet: POST --data-raw JSON over several lines to /ml/mashmeter', () => {
  const r = parseCurl(fixture('mashmeter-post.curl.txt'));
  assert.is(r.method, 'POST');
  assert.is(r.url, 'https://mashvisor-api.p.rapidapi.com/ml/mashmeter');
  assert.equal(JSON.parse(r.body), { state: 'TX', city: 'Austin', beds: 3 });
  assert.is(r.headers['Content-Type'], 'application/json');
  assert.equal(r.notes, ['curl -L follows redirects; the check never forwards the key to another host']);
});

test("$'...' ANSI-C quoting as Chrome emits it for bodies with newlines, quotes and '!'", () => {
  const body = '{"note":"Hi!\nthere","q":"it\'s","path":"a\\\\b"}';
  const cmd = `curl ${chromePosix('https://mashvisor-api.p.rapidapi.com/ml/mashmeter')} \\\n  -H ${chromePosix('content-type: application/json')} \\\n  --data-raw ${chromePosix(body)}`;
  assert.match(cmd, /--data-raw \$'/);
  const r = parseCurl(cmd);
  assert.is(r.body, body);
  assert.is(r.method, 'POST');
  // and the short form from the brief
  assert.is(parseCurl(`curl https://x.test/ml/mashmeter --data-raw $'{"a":"b\\n"}'`).body, '{"a":"b\n"}');
});

test('Chrome "Copy as cURL (cmd)" for Windows: ^ escapes and ^ line continuations', () => {
  const url = 'https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&city=Los%20Angeles&source=airbnb';
  const body = '{"state":"TX","note":"100% \\"sure\\""}';
  const cmd = [
    `curl ${chromeWin(url)}`,
    `-H ${chromeWin('accept: application/json')}`,
    `-H ${chromeWin('x-api-key: abc123-win')}`,
    `--data-raw ${chromeWin(body)}`,
    '--compressed',
  ].join(' ^\n  ');
  assert.match(cmd, /\^&city/);
  const r = parseCurl(cmd);
  assert.is(r.url, url);
  assert.equal(r.headers, { accept: 'application/json', 'x-api-key': 'abc123-win' });
  assert.is(r.body, body);
  assert.is(r.method, 'POST');
});

test('combined short options: -sSL, -XPOST, -HAccept:x, -d glued to its value', () => {
  const r = parseCurl('curl -sSL -XPOST -HAccept:x -dstate=TX https://example.test/v1.1/client/x');
  assert.is(r.method, 'POST');
  assert.equal(r.headers, { Accept: 'x' });
  assert.is(r.body, 'state=TX');
  assert.ok(r.notes.includes('curl -L follows redirects; the check never forwards the key to another host'));
  const v = parseCurl('curl -svk --max-time 5 --connect-timeout 3 -o out.json -w "%{http_code}" --fail --http1.1 https://a.test/x');
  assert.is(v.url, 'https://a.test/x');
  assert.is(v.method, 'GET');
});

test('-G puts -d and --data-urlencode data into the query; curl-style percent-encoding', () => {
  const r = parseCurl(`curl -G 'https://a.test/v1.1/client/property?x=1' --data-urlencode "address=12 O'Neil St & Co+" --data-urlencode =plain --data-urlencode 'city=Saint Paul' -d state=MN`);
  assert.is(r.url, "https://a.test/v1.1/client/property?x=1&address=12%20O%27Neil%20St%20%26%20Co%2B&plain&city=Saint%20Paul&state=MN");
  assert.is(r.method, 'GET');
  assert.is(r.body, null);
  // --url-query adds to the query with or without -G; a leading + means already encoded
  const q = parseCurl("curl https://a.test/x --url-query 'city=Los Angeles' --url-query '+page=1&items=5' --oauth2-bearer tok");
  assert.is(q.url, 'https://a.test/x?city=Los%20Angeles&page=1&items=5');
  assert.is(q.headers.Authorization, 'Bearer tok');
});

test('data without -G is the body, pieces joined with &, and the method becomes POST', () => {
  const r = parseCurl('curl https://a.test/x -d a=1 --data b=2 --data-binary c=3 --data-ascii d=4');
  assert.is(r.method, 'POST');
  assert.is(r.body, 'a=1&b=2&c=3&d=4');
  assert.ok(r.notes.some((n) => n.includes('application/x-www-form-urlencoded')));
});

test('a JSON body without Content-Type gets a note; -X GET with -d gets a note', () => {
  const json = parseCurl(`curl -X POST https://a.test/ml/mashmeter -d '{"state":"TX"}'`);
  assert.ok(json.notes.some((n) => n.includes('no Content-Type header')));
  const getBody = parseCurl('curl -X GET https://a.test/v1.1/client/city/list -d state=TX');
  assert.is(getBody.method, 'GET');
  assert.is(getBody.body, 'state=TX');
  assert.ok(getBody.notes.some((n) => n.includes('add -G')));
});

test('--json sets the body and JSON headers', () => {
  const r = parseCurl(`curl --json '{"a":1}' https://a.test/ml/mashmeter`);
  assert.is(r.method, 'POST');
  assert.is(r.body, '{"a":1}');
  assert.is(r.headers['Content-Type'], 'application/json');
  assert.is(r.headers.Accept, 'application/json');
});

test('reading data from a file is refused with the message from the brief', () => {
  for (const cmd of ['curl https://a.test -d @body.json', 'curl https://a.test --data-binary @-', 'curl https://a.test --data-urlencode name@file.txt']) {
    assert.is(inputError(() => parseCurl(cmd)), 'reading data from a file is not supported; paste the body');
  }
  // --data-raw takes @ literally
  assert.is(parseCurl('curl https://a.test --data-raw @literal').body, '@literal');
});

test('$VAR and ${VAR} are expanded as a shell would: bare and in double quotes, never in single quotes', () => {
  const env = { MASHVISOR_API_KEY: 'key-from-env-1234', OTHER: 'two words', STATE: 'TX' };
  const r = parseCurl(`curl -H "x-api-key: $MASHVISOR_API_KEY" -H "x-other: \${OTHER}" -H 'x-kept: $OTHER' https://api.mashvisor.com/v1.1/client/city/list?state=$STATE`, { env });
  assert.is(r.headers['x-api-key'], 'key-from-env-1234');
  assert.is(r.headers['x-other'], 'two words');
  assert.is(r.headers['x-kept'], '$OTHER');
  assert.is(r.url, 'https://api.mashvisor.com/v1.1/client/city/list?state=TX');
  assert.is(r.shellExpanded, true);
  // Notes name the variables, never their values.
  assert.ok(r.notes.some((n) => n.includes('$MASHVISOR_API_KEY') && n.includes('$STATE')));
  assert.not.match(JSON.stringify(r.notes), /key-from-env|two words/);
  assert.is(parseCurl('curl https://a.test -H "k: ${KEY:-fallback}"', { env: {} }).headers.k, 'fallback');
  assert.is(parseCurl('curl https://a.test -H "k: ${KEY:-fallback}"', { env: { KEY: 'set' } }).headers.k, 'set');
  // The process environment is the default, as for the user's own shell.
  process.env.MP_TEST_CURL_VAR = 'from-process';
  try {
    assert.is(parseCurl('curl https://a.test -H "k: $MP_TEST_CURL_VAR"').headers.k, 'from-process');
  } finally {
    delete process.env.MP_TEST_CURL_VAR;
  }
});

test('an unset variable as the key: no key header is sent, and the variable is named', () => {
  const r = parseCurl('curl -H "x-api-key: $MASHVISOR_API_KEY" "https://api.mashvisor.com/v1.1/client/city/list?state=TX"', { env: {} });
  assert.is(r.headers['x-api-key'], undefined);
  assert.equal(r.unsetKey, { header: 'x-api-key', variables: ['MASHVISOR_API_KEY'] });
  assert.ok(r.notes.some((n) => n.includes('not set') && n.includes('$MASHVISOR_API_KEY')));
  // An unquoted unset variable leaves no word at all: it is not a second URL.
  const bare = parseCurl('curl $EXTRA "https://a.test/x"', { env: {} });
  assert.is(bare.url, 'https://a.test/x');
});

test('a -X value that is not an HTTP method is refused without echoing it', () => {
  assert.throws(() => parseCurl("curl -X $'P\\x1b[31mOST' https://a.test/x", { env: {} }),
    (err) => err.name === 'InputError' && err.message === '-X/--request must name an HTTP method, one word such as GET or POST');
});

test('the method and what set it: -X, --data without -G, --json, -I; -G keeps GET', () => {
  const url = 'https://api.mashvisor.com/v1.1/client/rental-rates?state=TX';
  const cases = [
    [`curl -X POST '${url}'`, 'POST', '-X/--request POST'],
    [`curl '${url}' -d source=airbnb`, 'POST', '-d/--data without -G'],
    [`curl '${url}' --json '{}'`, 'POST', '--json'],
    [`curl -I '${url}'`, 'HEAD', '-I/--head'],
    [`curl -G '${url}' -d source=airbnb`, 'GET', undefined],
    [`curl '${url}'`, 'GET', undefined],
  ];
  for (const [command, method, from] of cases) {
    const r = parseCurl(command, { env: {} });
    assert.is(r.method, method, command);
    assert.is(r.methodFrom, from, command);
  }
});

test('the command stops at a pipe, ;, && and at an unquoted &', () => {
  const piped = parseCurl(`curl -s 'https://a.test/x' -H 'x-api-key: k' | jq .content`);
  assert.is(piped.url, 'https://a.test/x');
  assert.ok(piped.notes.some((n) => n.includes('piped')));
  assert.is(parseCurl('curl https://a.test/x && echo done').url, 'https://a.test/x');
  assert.is(parseCurl('curl https://a.test/x; echo done').url, 'https://a.test/x');
  const amp = parseCurl('curl https://api.mashvisor.com/v1.1/client/rental-rates?state=CA&source=airbnb -H "x-api-key: k"');
  assert.is(amp.url, 'https://api.mashvisor.com/v1.1/client/rental-rates?state=CA');
  assert.equal(amp.headers, {});
  assert.ok(amp.notes.some((n) => n.includes("unquoted '&'")));
});

test('redirections and comments are the shell\'s, not curl\'s', () => {
  const r = parseCurl('curl -v https://a.test/x 2>&1 > out.txt # try again later');
  assert.is(r.url, 'https://a.test/x');
  const frag = parseCurl('curl https://a.test/x#top');
  assert.is(frag.url, 'https://a.test/x#top');
});

test('a pasted "$ " prompt and a path to curl are accepted', () => {
  assert.is(parseCurl('$ curl https://a.test/x').url, 'https://a.test/x');
  assert.is(parseCurl('/usr/bin/curl https://a.test/x').url, 'https://a.test/x');
});

test('-u becomes a Basic Authorization header, noted without the password', () => {
  const r = parseCurl('curl -u alice:s3cret-pass https://a.test/x');
  assert.is(r.headers.Authorization, 'Basic ' + Buffer.from('alice:s3cret-pass').toString('base64'));
  assert.ok(r.notes.some((n) => n.includes('Authorization header')));
  assert.not.match(r.notes.join(' '), /s3cret/);
});

test('-A, -e and -b become headers; an explicit -H wins over them', () => {
  const r = parseCurl("curl -A 'my-agent/1.0' -e https://ref.test/ -b 'a=1' -b 'b=2' https://a.test/x");
  assert.equal(r.headers, { 'User-Agent': 'my-agent/1.0', Referer: 'https://ref.test/', Cookie: 'a=1; b=2' });
  const h = parseCurl("curl -A 'from-A' -H 'User-Agent: from-H' https://a.test/x");
  assert.equal(h.headers, { 'User-Agent': 'from-H' });
});

test('a repeated header keeps the last value and says so', () => {
  const r = parseCurl("curl -H 'x-api-key: first' -H 'X-Api-Key: second' https://a.test/x");
  assert.equal(r.headers, { 'X-Api-Key': 'second' });
  assert.ok(r.notes.some((n) => n.includes('more than once')));
  assert.not.match(r.notes.join(' '), /first|second/);
});

test('a -H without a colon is not sent, and the note names the header, not its value', () => {
  const r = parseCurl("curl -H 'x-api-key=abc-secret-123' https://a.test/x");
  assert.equal(r.headers, {});
  assert.ok(r.notes.some((n) => n.includes('x-api-key') && n.includes("no ':'")));
  assert.not.match(r.notes.join(' '), /abc-secret-123/);
});

test('"-H Name;" sends an empty header, "-H Name:" sends none', () => {
  const r = parseCurl("curl -H 'X-Empty;' -A ua -H 'User-Agent:' https://a.test/x");
  assert.equal(r.headers, { 'X-Empty': '' });
});

test('a URL without a scheme is sent over http, with a note', () => {
  const r = parseCurl('curl api.mashvisor.com/v1.1/client/city/list?state=TX');
  assert.is(r.url, 'http://api.mashvisor.com/v1.1/client/city/list?state=TX');
  assert.ok(r.notes.some((n) => n.includes('plain http')));
});

test('-I is HEAD; -X is upper-cased with a note when written in lower case', () => {
  assert.is(parseCurl('curl -I https://a.test/x').method, 'HEAD');
  const r = parseCurl('curl -X post https://a.test/x');
  assert.is(r.method, 'POST');
  assert.ok(r.notes.some((n) => n.includes('case-sensitive')));
});

test('errors: not curl, no URL, unknown option (named), missing value, unterminated quote', () => {
  assert.is(inputError(() => parseCurl('wget https://a.test/x')), 'not a curl command: it must start with curl');
  assert.is(inputError(() => parseCurl('   ')), 'the curl command is empty');
  assert.is(inputError(() => parseCurl('curl -H "Accept: x"')), 'the curl command has no URL');
  assert.is(inputError(() => parseCurl('curl --frobnicate https://a.test')), 'unknown curl option --frobnicate');
  assert.is(inputError(() => parseCurl('curl -sQ https://a.test')), 'unknown curl option -Q');
  assert.is(inputError(() => parseCurl('curl https://a.test -H')), 'curl option -H needs a value');
  assert.is(inputError(() => parseCurl("curl 'https://a.test -H 'x: y'")), "the curl command has an unterminated ' quote");
  assert.is(inputError(() => parseCurl('curl "https://a.test')), 'the curl command has an unterminated " quote');
  assert.match(inputError(() => parseCurl('curl https://a.test https://b.test')), /2 URLs/);
  assert.match(inputError(() => parseCurl('curl -F file=@x https://a.test')), /multipart/);
});

test('error messages never carry header values', () => {
  const key = 'KEY-abcdef-0123456789';
  const messages = [
    inputError(() => parseCurl(`curl -H "x-api-key: ${key}" --x-api-key=${key} https://a.test`)),
    inputError(() => parseCurl(`curl -H x-api-key: ${key} https://a.test`)),
    inputError(() => parseCurl(`curl -H "x-api-key: ${key}" -d @${key}`)),
    inputError(() => parseCurl(`curl -H "x-api-key: ${key}`)),
  ];
  for (const m of messages) assert.not.match(m, key);
  assert.match(messages[1], /header x-api-key/);
});

test('lines continued with trailing spaces after the backslash, or not continued at all', () => {
  const spaced = parseCurl("curl https://a.test/x \\  \n  -H 'a: b'");
  assert.equal(spaced.headers, { a: 'b' });
  assert.ok(spaced.notes.some((n) => n.includes('spaces after')));
  const missing = parseCurl("curl https://a.test/x\n  -H 'a: b'\necho next");
  assert.equal(missing.headers, { a: 'b' });
  assert.ok(missing.notes.some((n) => n.includes("does not end with '\\'")));
  assert.ok(missing.notes.some((n) => n.includes('only the first command')));
});

test.run();
