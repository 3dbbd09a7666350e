import { describe, expect, it } from '@jest/globals';
import { benchSettings, selectedBenchmarks } from './settings';

describe('benchmark settings', () => {
  it('runs every benchmark unless BENCH names some, in their own order', () => {
    expect(selectedBenchmarks({})).toEqual(['chaincode', 'onboarding']);
    expect(selectedBenchmarks({ BENCH: 'onboarding' })).toEqual(['onboarding']);
    expect(selectedBenchmarks({ BENCH: ' onboarding, chaincode ' })).toEqual(['chaincode', 'onboarding']);
    expect(() => selectedBenchmarks({ BENCH: 'onbaording' })).toThrow(
      'BENCH names unknown benchmarks (onbaording); known: chaincode, onboarding',
    );
  });

  it('takes the number of onboarding pairs from the environment', () => {
    expect(benchSettings({}).onboarding.repetitions).toBe(5);
    expect(benchSettings({ BENCH_ONBOARDING_REPETITIONS: '2' }).onboarding.repetitions).toBe(2);
    expect(() => benchSettings({ BENCH_ONBOARDING_REPETITIONS: '0' })).toThrow('must be a positive integer');
  });
});
