// curl's option table: options that do not change what is sent are accepted and leave the request as it was,
// with their short letters and with curl's --no-<flag> form; the others are refused, named as written.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCurl } from '../dist/inputs/curl.js';
import { InputError } from '../dist/inputs/raw.js';

const URL_ = 'https://a.test/x?q=1';
const plain = (extra) => {
  const r = parseCurl(`curl ${extra} '${URL_}'`, { env: {} });
  return { method: r.method, url: r.url, headers: r.headers, body: r.body };
};
const base = plain('-H "x-api-key: k"');

function refused(command) {
  try {
    parseCurl(command, { env: {} });
  } catch (err) {
    assert.instance(err, InputError);
    return err.message;
  }
  assert.unreachable(`accepted: ${command}`);
}

test('ignored options, long and short, with and without a value, change nothing that is sent', () => {
  const ignored = ['--max-time 5', '-m 5', '-m5', '--output out.json', '-o out', '--write-out %{http_code}', '-w x',
    '--cacert ca.pem', '--cert c.pem', '-E c.pem', '--retry 3', '--proxy-user u:p', '-U u:p', '--range 0-9', '-r 0-9',
    '--compressed', '--silent', '-s', '-S', '-v', '-i', '-k', '--http1.1', '-0', '--http2', '-f', '--fail-with-body',
    '-#', '-N', '-g', '-4', '-6', '-O', '-J', '-j', '-q', '-R', '-Z', '-l', '-1', '-2', '-3', '--tlsv1.2', '--basic',
    '-sSkv4', '--no-progress-meter', '--no-buffer', '--no-silent', '--no-compressed'];
  for (const option of ignored) assert.equal(plain(`${option} -H "x-api-key: k"`), base, option);
});

test('--no-get switches -G off again; --no- before an option with a value is not curl', () => {
  assert.is(parseCurl(`curl -G -d a=1 '${URL_}'`).method, 'GET');
  const off = parseCurl(`curl -G --no-get -d a=1 '${URL_}'`);
  assert.is(off.method, 'POST');
  assert.is(off.body, 'a=1');
  assert.is(refused(`curl --no-data a=1 '${URL_}'`), 'unknown curl option --no-data');
});

test('options that change the request are refused when they cannot be reproduced, named as written', () => {
  assert.match(refused(`curl -F a=1 '${URL_}'`), '-F/--form');
  assert.match(refused(`curl --form-string a=1 '${URL_}'`), '-F/--form');
  assert.match(refused(`curl -T f '${URL_}'`), '-T/--upload-file');
  assert.match(refused(`curl -K cfg '${URL_}'`), '-K/--config');
  assert.match(refused(`curl '${URL_}' -: '${URL_}'`), '-:/--next');
  assert.is(refused(`curl --data=a '${URL_}'`), 'unknown curl option --data');
  assert.is(refused(`curl -F`), 'curl option -F needs a value', 'a missing value is said before the option is refused');
});

test('authentication and redirect options are noted, once each', () => {
  const r = parseCurl(`curl -L --location --digest --ntlm -n -x http://p:1 '${URL_}'`);
  const notes = r.notes ?? [];
  assert.is(notes.filter((n) => n.includes('follows redirects')).length, 1);
  assert.ok(notes.some((n) => n.startsWith('--digest authentication')));
  assert.ok(notes.some((n) => n.startsWith('--ntlm authentication')));
  assert.ok(notes.some((n) => n.includes('.netrc')));
  assert.ok(notes.some((n) => n.includes('-x/--proxy')));
});

test.run();
