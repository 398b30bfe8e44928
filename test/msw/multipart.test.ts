/**
 * The mock's multipart parser reads a form as busboy (the server's parser) does, and its SHA-256
 * agrees with Web Crypto.
 */
import { describe, expect, it } from 'vitest';
import { parseMultipart } from '../../src/msw/multipart.js';
import { sha256Hex } from '../../src/msw/sha256.js';

const CT = 'multipart/form-data; boundary=b';
const body = (...parts: string[]) => new TextEncoder().encode(`${parts.map((part) => `--b\r\n${part}\r\n`).join('')}--b--\r\n`);

describe('multipart forms as busboy reads them', () => {
  it('tells files from fields, keeps part types, decodes names', () => {
    const parsed = parseMultipart(
      CT,
      body(
        'Content-Disposition: form-data; name="file"; filename="C:\\Users\\me\\a \\"q\\".txt"\r\n\r\nabc',
        'Content-Disposition: form-data; name="description"\r\n\r\nhello',
        "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%C3%BC.txt\r\nContent-Type: image/png; x=1\r\n\r\n\u0001",
        'Content-Disposition: form-data; name="file"; filename=""\r\n\r\nnot a file',
        'Content-Disposition: form-data; name="blob"\r\nContent-Type: application/octet-stream\r\n\r\nraw',
        'Content-Disposition: attachment; name="skipped"\r\n\r\nx',
      ),
    );
    expect('parts' in parsed && parsed.parts.map((part) => (part.kind === 'file' ? [part.kind, part.name, part.fileName, part.type, new TextDecoder().decode(part.bytes)] : [part.kind, part.name, part.value]))).toEqual([
      ['file', 'file', 'a "q".txt', 'text/plain', 'abc'],
      ['field', 'description', 'hello'],
      ['file', 'file', 'ü.txt', 'image/png', '\u0001'],
      // An empty file name names no file; an octet-stream part is a file even without a name.
      ['field', 'file', 'not a file'],
      ['file', 'blob', undefined, 'application/octet-stream', 'raw'],
    ]);
  });

  it('reports what busboy reports for broken forms', () => {
    expect(parseMultipart('multipart/form-data', body())).toEqual({ error: 'Multipart: Boundary not found' });
    expect(parseMultipart(CT, new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end'))).toEqual({ error: 'Unexpected end of form' });
  });
});

describe('SHA-256 without Web Crypto', () => {
  it('agrees with crypto.subtle for every padding case', async () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 100_003]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 255);
      const expected = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');
      expect(sha256Hex(bytes), `size ${size}`).toBe(expected);
    }
  });
});
