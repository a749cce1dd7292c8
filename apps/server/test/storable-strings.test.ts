import { describe, expect, it } from 'vitest';
import { findUnstorableString } from '../src/http/storable-strings.ts';

describe('findUnstorableString', () => {
  it('names the first NUL or lone surrogate, member names and array items included', () => {
    expect(findUnstorableString({ a: 'ok', b: ['x', 'y\u0000'] }, 'body')).toEqual({ where: 'body.b[1]', problem: expect.stringContaining('NUL') });
    expect(findUnstorableString({ client_name: '\ud800' }, 'body')?.where).toBe('body.client_name');
    expect(findUnstorableString({ '\udfff': 1 }, 'body')?.where).toBe('body member name');
    expect(findUnstorableString({ 'x-h': 'v\ud800' }, 'header')?.where).toBe('header.x-h');
  });

  it('accepts well-formed strings, surrogate pairs and non-strings', () => {
    expect(findUnstorableString({ a: 'Claude \ud83d\udcde', n: 1, z: null, b: Buffer.from([0]) }, 'body')).toBeUndefined();
    expect(findUnstorableString(undefined, 'query')).toBeUndefined();
  });
});
