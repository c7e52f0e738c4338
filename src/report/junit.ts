import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { redact } from '../secrets.js';
import { countByStatus, failureText } from './results.js';
import type { CheckResult } from '../results.js';

/** JUnit XML for CI systems: a testsuite per vendor, classname "vendor.area", testcase names starting with the check id. */
export function junitXml(results: CheckResult[]): string {
  const vendors = [...new Set(results.map((r) => r.vendor))];
  const suites = vendors.map((vendor) => {
    const own = results.filter((r) => r.vendor === vendor);
    const counts = countByStatus(own);
    const cases = own.map((r) => {
      const open = `    <testcase name="${xml(r.name)}" classname="${xml(`${r.vendor}.${r.area}`)}" time="${seconds(r.durationMs)}"`;
      switch (r.status) {
        case 'pass':
          return r.deviation
            ? `${open}>\n      <system-out>${xml(`declared deviation no longer observed: ${r.deviation}`)}</system-out>\n    </testcase>`
            : `${open}/>`;
        case 'warn':
          // JUnit has no warning: the test passes and says why it is one.
          return `${open}>\n      <system-out>${xml(`warning (SHOULD): ${failureText(r)}`)}</system-out>\n    </testcase>`;
        case 'deviation':
          return `${open}>\n      <skipped message="${xml(`known deviation: ${r.deviation}`)}"/>\n      <system-out>${xml(failureText(r))}</system-out>\n    </testcase>`;
        case 'skipped':
          return `${open}>\n      <skipped message="${xml(r.message)}"/>\n    </testcase>`;
        case 'fail':
          return `${open}>\n      <failure message="${xml(r.message)}" type="${xml(r.spec[0].ref)}">${xml(failureText(r))}</failure>\n    </testcase>`;
        case 'blocked':
          return `${open}>\n      <error message="${xml(`could not check: ${r.message}`)}" type="blocked">${xml(failureText(r))}</error>\n    </testcase>`;
      }
    });
    const time = own.reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
    return `  <testsuite name="${xml(vendor)}" tests="${own.length}" failures="${counts.fail}" errors="${counts.blocked}" skipped="${counts.skipped + counts.deviation}" time="${seconds(time)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  const totals = countByStatus(results);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="oauth-conformance" tests="${results.length}" failures="${totals.fail}" errors="${totals.blocked}" skipped="${totals.skipped + totals.deviation}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export async function writeJunit(path: string, results: CheckResult[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, junitXml(results));
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

// What XML 1.0 does not allow in a document at all, escaped or not (its Char production): the file must stay valid.
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Escapes for XML attributes and text; redacts once more, as this file leaves the machine. */
function xml(text: string): string {
  // Removed before redaction, so that none hides a secret from it.
  return redact(text.replace(NOT_XML, '')).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
