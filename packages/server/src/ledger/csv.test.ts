import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('CSV', () => {
  it('reads plain, quoted and multi-line fields with the line each record starts on', () => {
    const text = '\uFEFFa,b,c\r\n 1 , 2 ,3\r\n\r\n"x, y","say ""hi""",z\n"two\nlines",q,\nlast,,';
    expect([...parseCsv(text)]).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '2', '3'] },
      { line: 4, fields: ['x, y', 'say "hi"', 'z'] },
      { line: 5, fields: ['two\nlines', 'q', ''] },
      { line: 7, fields: ['last', '', ''] },
    ]);
  });
});
