import { describe, expect, it } from 'vitest';
import { INJECTED_TEXT } from '../sandbox/hostile-profiles.js';
import { junitXml } from '../src/report/junit.js';
import { markdownCode, markdownText } from '../src/report/markdown.js';
import type { CheckResult } from '../src/results.js';
import { consoleSummary, markdownSummary } from '../src/report/summary.js';
import { printable } from '../src/report/terminal.js';
import { xmlProblem } from './strict-xml.js';

/** Server text is data: whatever a hostile server writes is shown as characters, never acted on. */

// ESC, BEL, C1 controls and every other control a terminal acts on, but \t and \n.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
// What INJECTED_TEXT would make live in markdown: a link, an image, an HTML tag, a heading or list item of its own, a table cell.
const LIVE_MARKDOWN = /(?<!\\)\]\(http:\/\/127|(?<!\\)<img|^\s*# Heading|^\s*- item|(?<!\\)\| cell|\r/m;

function hostileResult(status: CheckResult['status']): CheckResult {
  return {
    vendor: 'local',
    area: 'error-response',
    checkId: 'error-response.registered-code',
    subject: '',
    name: 'error-response.registered-code: error is registered',
    level: 'MUST',
    spec: [{ ref: 'RFC 6749 §5.2', url: 'https://www.rfc-editor.org/rfc/rfc6749#section-5.2' }],
    status,
    message: `the server said${INJECTED_TEXT}`,
    expected: 'a registered code',
    actual: `error${INJECTED_TEXT}`,
  };
}

describe('server text in markdown', () => {
  it('inline: no link, image, tag, heading, list or table cell; the characters all there', () => {
    const text = markdownText(INJECTED_TEXT);
    expect(text).not.toMatch(/\n|\r/);
    expect(text).not.toMatch(/(?<!\\)[[\]()<>|!#]/);
    expect(text).toContain('\\[the docs\\]\\(http\\:\\/\\/127\\.0\\.0\\.1\\:1\\/docs\\)');
    expect(text).not.toMatch(CONTROL);
  });

  it('as a code block: verbatim, and a run of backticks cannot close it', () => {
    const block = markdownCode('a ``` b\n```\n# Heading');
    const [fence] = block.split('text\n');
    expect(fence).toBe('````');
    expect(block.endsWith('\n````')).toBe(true);
    expect(block).toContain('\n# Heading\n');
    expect(markdownCode(INJECTED_TEXT)).not.toMatch(CONTROL);
  });

  it('summary.md: a failing check, a skipped one and a vendor quoting the server make nothing live', () => {
    const summary = markdownSummary([hostileResult('fail'), { ...hostileResult('skipped'), vendor: 'a|b' }]);
    expect(summary).not.toMatch(LIVE_MARKDOWN);
    expect(summary).toContain('\\!\\[x\\]\\(http');
    // The table keeps its columns: a pipe in a cell is escaped.
    expect(summary).toContain('| a\\|b | error-response |');
    expect(summary).not.toMatch(CONTROL);
  });
});

describe('server text on the console', () => {
  it('escape sequences and controls are removed, line feeds and tabs kept', () => {
    expect(printable('a\u001b[31mred\u001b[0m\u001b]8;;http://x/\u0007link\u001b]8;;\u001b\\ \u001b]0;title\u0007\u009b2J\u0085\r\n\tz\u0000\u007f')).toBe(
      'aredlink \n\tz',
    );
  });

  it('the summary holds none', () => {
    expect(consoleSummary([hostileResult('fail')])).not.toMatch(CONTROL);
  });
});

describe('server text in junit.xml', () => {
  it('the file stays a valid XML document, whatever the server said', () => {
    const xml = junitXml([
      hostileResult('fail'),
      hostileResult('skipped'),
      { ...hostileResult('blocked'), message: 'lone \ud800 surrogate \udc00 and \ufffe' },
    ]);
    expect(xmlProblem(xml)).toBeUndefined();
    expect(xml).toContain('the server said see [the docs]');
  });

  it('the check itself rejects what is not XML', () => {
    expect(xmlProblem('<a>\uffff</a>')).toMatch(/U\+FFFF/);
    expect(xmlProblem('<a><b></a>')).toBeDefined();
  });
});
