import { describe, expect, it } from 'vitest';
import type { Exchange } from '../src/http/exchange.js';
import { Attachments, PREVIEW_CHARS, preview } from '../src/report/attachments.js';

const MB = 1024 * 1024;

function exchange(id: number, body: string, screenshot?: string): Exchange {
  return {
    id,
    label: 'discovery',
    startedAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    request: { method: 'GET', url: 'https://as.example/.well-known/openid-configuration', headers: {} },
    response: { status: 200, headers: { 'content-type': 'application/json' }, body },
    ...(screenshot && { screenshot }),
  };
}

const parsed = (content: string | Buffer) => JSON.parse(String(content)) as Exchange & { note?: string };

describe('what a run attaches to its checks', () => {
  it('a JSON body is shown as JSON, formatted; a form or text body as it was', () => {
    const json = {
      ...exchange(1, '{"issuer":"https://as.example","scopes":["a"]}'),
      request: { method: 'POST', url: 'https://as.example/token', headers: {}, body: 'grant_type=client_credentials' },
    };
    const content = String(new Attachments().forCheck('check A', [json]).attachments[0]!.content);
    expect(JSON.parse(content)).toMatchObject({
      request: { body: 'grant_type=client_credentials' },
      response: { body: { issuer: 'https://as.example', scopes: ['a'] } },
    });
    expect(content).toContain('"body": {\n      "issuer": "https://as.example",');
    expect(parsed(new Attachments().forCheck('check A', [exchange(2, 'not json')]).attachments[0]!.content).response!.body).toBe('not json');
  });

  it('a large body is attached whole to the first check that judged it, and previewed in the others, naming that check', () => {
    const attachments = new Attachments();
    const bomb = exchange(1, ' '.repeat(MB));
    const first = attachments.forCheck('check A', [bomb]);
    const second = attachments.forCheck('check B', [bomb]);
    expect(parsed(first.attachments[0]!.content).response!.body).toHaveLength(MB);
    const shown = parsed(second.attachments[0]!.content);
    expect(shown.note).toBe('Bodies are previewed: the whole exchange is attached to check A.');
    expect(shown).toMatchObject({ label: 'discovery', request: bomb.request, response: { status: 200, body: `⟨${MB} whitespace characters⟩` } });
    expect(String(second.attachments[0]!.content).length).toBeLessThan(2000);
    expect([first.leftOut, second.leftOut]).toEqual([
      { count: 0, bytes: 0 },
      { count: 0, bytes: 0 },
    ]);
  });

  it('a body up to the preview size is attached whole to every check', () => {
    const attachments = new Attachments();
    const document = exchange(1, JSON.stringify({ issuer: 'https://as.example', padding: 'x'.repeat(PREVIEW_CHARS - 100) }));
    for (const check of ['check A', 'check B'])
      expect(parsed(attachments.forCheck(check, [document]).attachments[0]!.content).response!.body).toEqual(JSON.parse(document.response!.body));
  });

  it('a screenshot is attached once; other checks say where it is', () => {
    const attachments = new Attachments();
    const login = exchange(1, '<html>Sign in</html>', Buffer.from('png bytes').toString('base64'));
    const first = attachments.forCheck('check A', [login]).attachments;
    const second = attachments.forCheck('check B', [login]).attachments;
    expect(first.map((a) => [a.name, a.contentType])).toEqual([
      ['1 discovery', 'application/json'],
      ['1 discovery (screenshot)', 'image/png'],
    ]);
    expect(first[1]!.content).toEqual(Buffer.from('png bytes'));
    expect(second[1]).toEqual({ name: '1 discovery (screenshot)', content: 'The screenshot of this page is attached to check A.', contentType: 'text/plain' });
  });

  it('past the budget, attachments are previewed or replaced by a note, and what was left out is counted', () => {
    const attachments = new Attachments(MB / 2);
    const big = exchange(1, `{"issuer": "https://as.example"}${'x'.repeat(MB)}`);
    const first = attachments.forCheck('check A', [big]);
    const shown = parsed(first.attachments[0]!.content);
    expect(shown.note).toBe("Bodies are previewed: the whole exchange would take the run's attachments past their budget of 0.5 MB (--results-budget).");
    expect(shown.response!.body).toMatch(/^\{"issuer": "https:\/\/as\.example"\}x+… \d+ more characters not shown$/);
    expect(first.leftOut).toEqual({ count: 1, bytes: expect.any(Number) });
    expect(first.leftOut.bytes).toBeGreaterThan(MB);
    // The next large exchange finds no room even for its preview.
    for (let i = 2; i < 40; i++) attachments.forCheck('check B', [exchange(i, 'y'.repeat(PREVIEW_CHARS * 2))]);
    const last = attachments.forCheck('check C', [exchange(40, 'z'.repeat(PREVIEW_CHARS * 2))], '{"observed": true}');
    expect(last.attachments.map((a) => a.name)).toEqual(['40 discovery (left out)', 'observed']);
    expect(last.attachments[0]!.content).toMatch(
      /^Left out: this attachment \(\d+ bytes\) would take the run's attachments past their budget of 0\.5 MB \(--results-budget\)\.$/,
    );
    expect(last.leftOut.count).toBe(1);
  });
});

describe('preview', () => {
  it('keeps a short body as it is', () => {
    expect(preview('{"a": 1}\n')).toBe('{"a": 1}\n');
  });

  it('gives long whitespace runs as their length and says how much is not shown', () => {
    expect(preview(`{${' '.repeat(100)}"a": 1}${'b'.repeat(50)}`, 40)).toBe('{⟨100 whitespace characters⟩"a": 1}bbbbb… 45 more characters not shown');
  });
});
