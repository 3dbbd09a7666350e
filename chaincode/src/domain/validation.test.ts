import { describe, expect, test } from '@jest/globals';
import {
  LIMITS,
  normalizePatientId,
  parseBirthDate,
  parseMspId,
  parseNoteText,
  parsePatientName,
  parseRecordId,
} from './validation';

const INVALID = /^INVALID_ARGUMENT: /;

describe('input validation', () => {
  test('a patient id is 1-64 of [A-Za-z0-9._-] and is compared in upper case', () => {
    expect(normalizePatientId('nhs-943-476-5919')).toBe('NHS-943-476-5919');
    expect(normalizePatientId('A')).toBe('A');
    expect(normalizePatientId('a'.repeat(64))).toBe('A'.repeat(64));
    for (const bad of ['', ' 12', '12 ', '-12', 'a'.repeat(65), 'é1', 'a/b', 12, null, undefined]) {
      expect(() => normalizePatientId(bad)).toThrow(INVALID);
    }
  });

  test('an MSP ID argument matches the MSP ID pattern', () => {
    expect(parseMspId('Org1MSP', 'ownerMsp')).toBe('Org1MSP');
    expect(parseMspId('hospital-a.example_com', 'ownerMsp')).toBe('hospital-a.example_com');
    for (const bad of ['', '.Org', 'Org 1', 'Org1MSP\n', 'x'.repeat(65), 7]) {
      expect(() => parseMspId(bad, 'ownerMsp')).toThrow(/^INVALID_ARGUMENT: ownerMsp must be an MSP ID/);
    }
  });

  test('record ids are transaction ids: 64 lowercase hex characters', () => {
    const id = 'ab'.repeat(32);
    expect(parseRecordId(id, 'emrId')).toBe(id);
    for (const bad of ['', id.toUpperCase(), id.slice(1), `${id}0`, 'zz'.repeat(32)]) {
      expect(() => parseRecordId(bad, 'emrId')).toThrow(/^INVALID_ARGUMENT: emrId must be 64 lowercase hex/);
    }
  });

  test('a patient name is trimmed, 1-200 characters, without control characters', () => {
    expect(parsePatientName('  Alice Zoë Martin ')).toBe('Alice Zoë Martin');
    for (const bad of ['', '   ', 'a'.repeat(201), 'Al\nice', 'Al\u0000ice', 3]) {
      expect(() => parsePatientName(bad)).toThrow(INVALID);
    }
  });

  test('a birth date is a real calendar date between 1900-01-01 and the transaction date', () => {
    expect(parseBirthDate('2000-02-29', '2025-03-01')).toBe('2000-02-29');
    expect(parseBirthDate('2025-03-01', '2025-03-01')).toBe('2025-03-01');
    for (const bad of [
      '1900-02-29',
      '2023-02-29',
      '2021-04-31',
      '2021-13-01',
      '1899-12-31',
      '84-07-12',
      '1984-7-12',
    ]) {
      expect(() => parseBirthDate(bad, '2025-03-01')).toThrow(INVALID);
    }
    expect(() => parseBirthDate('2025-03-02', '2025-03-01')).toThrow(/must not be in the future/);
  });

  test(`a note is non-blank text of at most ${LIMITS.noteTextBytes} UTF-8 bytes`, () => {
    expect(parseNoteText('ok')).toBe('ok');
    expect(parseNoteText('x'.repeat(LIMITS.noteTextBytes))).toHaveLength(LIMITS.noteTextBytes);
    expect(() => parseNoteText('x'.repeat(LIMITS.noteTextBytes + 1))).toThrow(/at most 16384 UTF-8 bytes/);
    expect(() => parseNoteText('é'.repeat(LIMITS.noteTextBytes / 2 + 1))).toThrow(INVALID);
    expect(() => parseNoteText(' \n ')).toThrow(/must not be blank/);
    expect(() => parseNoteText({ text: 'x' })).toThrow(INVALID);
  });
});
