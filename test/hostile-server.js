// A deliberately hostile HTTP server for test/hostile.test.js: each answer is one attack on the checker (deep JSON,
// decompression bombs, terminal escapes, Markdown injection). The first path segment names the attack, so a check
// points at it with --base-url http://127.0.0.1:PORT/<attack>/v1.1. It speaks raw bytes over a net server: Node's
// own HTTP server refuses control characters in a reason phrase or a header value, and a hostile server would not.
import net from 'node:net';
import zlib from 'node:zlib';

/** ESC sequences a terminal obeys: set the window title (OSC ... BEL), clear the screen (CSI), ring the bell. */
export const ESCAPES = '\u001b]0;pwned\u0007\u001b[2J\u001b[31m\u0007\u009b1m\u007f';

/** Text that would add a heading, HTML and a table row if it reached Markdown unescaped. */
export const MARKDOWN_ATTACK = 'bad key\n# Injected heading\n<script>alert(1)</script>\n| injected | row |';

const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);

function manyNests(totalBytes, depth) {
  const one = nested(depth);
  const count = Math.floor(totalBytes / (one.length + 1));
  return `[${new Array(count).fill(one).join(',')}]`;
}

// Decompression bombs, built once when first asked for. Gzip members may follow one another, so one small member
// of 1 MiB of zeros, repeated, decodes to 1 MiB per copy.
let bombs;
function makeBombs() {
  if (bombs) return bombs;
  const member = zlib.gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  const zeros = Buffer.alloc(64 * 1024 * 1024);
  bombs = {
    gzip: Buffer.concat(new Array(1024).fill(member)),
    br: zlib.brotliCompressSync(zeros, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
    deflate: zlib.deflateSync(zeros, { level: 9 }),
  };
  return bombs;
}

function answer(socket, { status = 200, reason = 'OK', headers = {}, body = '' }) {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines = [`HTTP/1.1 ${status} ${reason}`, `Content-Length: ${payload.length}`, 'Connection: close'];
  for (const [name, value] of Object.entries({ 'Content-Type': 'application/json', ...headers })) lines.push(`${name}: ${value}`);
  socket.write(Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'));
  socket.end(payload);
}

const ATTACKS = {
  deep5000: () => ({ body: nested(5000) }),
  deep3000: () => ({ body: nested(3000) }),
  // 1 MB of arrays nested 3,000 deep, side by side.
  nest1mb: () => ({ body: manyNests(1_000_000, 3000) }),
  // Nested within any depth limit, but pretty-printing would multiply its size by the depth.
  wide60: () => ({ body: manyNests(1_000_000, 60) }),
  gzip: () => ({ headers: { 'Content-Encoding': 'gzip' }, body: makeBombs().gzip }),
  br: () => ({ headers: { 'Content-Encoding': 'br' }, body: makeBombs().br }),
  deflate: () => ({ headers: { 'Content-Encoding': 'deflate' }, body: makeBombs().deflate }),
  // Escapes in the reason phrase, a header value and the API's error message (a JSON string escapes them as \u).
  // Node's parser refuses C0 and DEL in a header value but takes bytes 0x80-0x9f, read as C1 controls.
  escapes: () => ({
    status: 400,
    reason: `Bad ${ESCAPES}Request`,
    headers: { 'X-Note': 'hello \u009b2J\u0085\u009d0;title\u009c world' },
    body: JSON.stringify({ status: 'error', code: 400, message: `${ESCAPES} ${MARKDOWN_ATTACK}` }),
  }),
  // The same on a server error, whose message lands in the summary line.
  escapes500: () => ({
    status: 503,
    reason: `Unavailable ${ESCAPES}`,
    body: JSON.stringify({ status: 'error', code: 503, message: `${ESCAPES} ${MARKDOWN_ATTACK}` }),
  }),
  // A body that is plain text with raw escapes.
  rawtext: () => ({ status: 500, headers: { 'Content-Type': 'text/plain' }, body: `${ESCAPES}\n# heading\n<script>x</script>` }),
};

/** Starts the server on 127.0.0.1 and a free port; resolves to { url, close }. */
export function startHostileServer() {
  const server = net.createServer((socket) => {
    let head = '';
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      if (head.includes('\r\n\r\n')) return;
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      const path = head.split(' ')[1] ?? '/';
      const attack = ATTACKS[path.split('/')[1]];
      if (!attack) answer(socket, { status: 404, reason: 'Not Found', body: '{"status":"error","message":"no such attack"}' });
      else answer(socket, attack());
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

/** A server whose status line carries `status`, then a JSON body the API would send on success. */
export async function rawStatusServer(status) {
  const server = net.createServer((socket) => {
    socket.once('data', () => {
      const body = '{"status":"success","content":{}}';
      socket.end(`HTTP/1.1 ${status} OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
