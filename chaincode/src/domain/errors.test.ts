import { describe, expect, test } from '@jest/globals';
import {
  conflict,
  EmrError,
  errorCodeOf,
  failedPrecondition,
  forbidden,
  invalidArgument,
  notFound,
} from './errors';

describe('error codes', () => {
  test('every rejection message starts with its stable code', () => {
    expect(invalidArgument('x').message).toBe('INVALID_ARGUMENT: x');
    expect(forbidden('x').message).toBe('FORBIDDEN: x');
    expect(notFound('x').message).toBe('NOT_FOUND: x');
    expect(conflict('x').message).toBe('CONFLICT: x');
    expect(failedPrecondition('x').message).toBe('FAILED_PRECONDITION: x');
    expect(forbidden('x')).toBeInstanceOf(EmrError);
    expect(forbidden('x').code).toBe('FORBIDDEN');
  });

  test('a client reads the code back from a peer message, and gets undefined for uncoded errors', () => {
    expect(errorCodeOf('CONFLICT: the patient already has an EMR at this provider')).toBe('CONFLICT');
    expect(errorCodeOf('Expected 1 parameters, but 0 have been supplied')).toBeUndefined();
    expect(errorCodeOf('TEAPOT: no')).toBeUndefined();
  });
});
