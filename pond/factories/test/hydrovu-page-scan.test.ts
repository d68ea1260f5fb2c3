import { describe, expect, it } from 'vitest';
import { scanPage } from '../hydrovu/page-scan.js';

/** Readings counted the plain way: each non-overlapping `"timestamp"`, left to right. */
function naiveCount(text: string): number {
  let n = 0;
  for (let at = text.indexOf('"timestamp"'); at >= 0; at = text.indexOf('"timestamp"', at + 11))
    n++;
  return n;
}

const page = (readings: string) =>
  `{"locationId":7,"parameters":[{"customParameter":false,"parameterId":"1","unitId":"1","readings":[${readings}]}]}`;

describe('the page scan', () => {
  it('counts every reading of a page, wherever its key falls', () => {
    const cases = [
      '',
      '{"timestamp":1,"value":2}',
      '{"timestamp":1,"value":2},{"timestamp":2,"value":3}',
      // Keys next to each other, and quotes that almost make a key.
      '{"timestamp":1,"value":2,"x":"timestamp\\"","y":""}',
      '{"timestamp"  :  1 , "value":2}',
      '{"timestamp":1,"value":2,"t":"\\"timestamp\\"timestamp"}',
    ];
    for (const c of cases) {
      const body = Buffer.from(page(c));
      expect(scanPage(body, 'dev').readings, c).toBe(naiveCount(body.toString()));
    }
  });

  it('agrees with a plain count on pages of random readings and spacing', () => {
    let seed = 42;
    const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let k = 0; k < 200; k++) {
      const readings = Array.from({ length: random(50) }, () => {
        const sp = ' '.repeat(random(3));
        return `{${sp}"timestamp"${sp}:${sp}${random(1e9)},"value":${random(1000) / 7}}`;
      });
      const body = Buffer.from(page(readings.join(',')));
      expect(scanPage(body, 'dev').readings).toBe(readings.length);
      expect(scanPage(body, 'dev').readings).toBe(naiveCount(body.toString()));
    }
  });

  it('a key at the very end of the page is counted', () => {
    const body = Buffer.from(`${page('')}"timestamp"`);
    expect(scanPage(body, 'dev').readings).toBe(1);
  });
});

describe("the page scan's ids", () => {
  const param = (pid: string, uid: string, sp = '') =>
    `{"customParameter":false,${sp}"parameterId"${sp}:${sp}${JSON.stringify(pid)},"unitId"${sp}:${sp}${JSON.stringify(uid)},"readings":[{"timestamp":1,"value":2}]}`;

  it('finds the location and every parameter and unit pair, in page order', () => {
    const body = Buffer.from(
      `{"locationId" : 7,"parameters":[${param('1', '1')},${param('17', '99', ' ')},${param('a"b', 'Id"')}]}`,
    );
    expect(scanPage(body, 'dev')).toEqual({
      location: 7,
      readings: 3,
      pairs: [
        { pid: '1', uid: '1' },
        { pid: '17', uid: '99' },
        { pid: 'a"b', uid: 'Id"' },
      ],
    });
  });

  it('reads keys that only end like an id key as nothing of the scan', () => {
    const body = Buffer.from(
      `{"locationId":7,"customId":"x","xparameterId":"9","parameters":[${param('1', '1')}]}`,
    );
    expect(scanPage(body, 'dev').pairs).toEqual([{ pid: '1', uid: '1' }]);
  });

  it('refuses a page without one whole-number locationId', () => {
    const p = `"parameters":[${param('1', '1')}]`;
    for (const body of [
      `{${p}}`,
      `{"locationId":7,"locationId":7,${p}}`,
      `{"locationId":"7",${p}}`,
      `{"locationId":7.5,${p}}`,
    ])
      expect(() => scanPage(Buffer.from(body), 'dev'), body).toThrow(/one locationId/);
  });

  it('refuses a parameterId or unitId that is not a string, or one without the other', () => {
    expect(() =>
      scanPage(
        Buffer.from(`{"locationId":7,"parameters":[{"parameterId":1,"unitId":"1"}]}`),
        'dev',
      ),
    ).toThrow(/"parameterId" is not followed by a string/);
    expect(() =>
      scanPage(Buffer.from(`{"locationId":7,"parameters":[{"parameterId":"1"}]}`), 'dev'),
    ).toThrow(/1 parameterIds and 0 unitIds/);
  });
});
