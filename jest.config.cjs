// Unit tests sit beside the code (src/**/*.test.ts) and need nothing running. Integration tests
// (<workspace>/test/**/*.test.ts) start real Fabric nodes and run one file at a time.
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
};
const common = { transform, testEnvironment: 'node', moduleFileExtensions: ['ts', 'js', 'json'] };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/*/src/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/*/test/**/*.test.ts'],
      slowTestThreshold: 600,
    },
  ],
};
