// Unit tests sit beside the code (*.spec.ts); integration and end-to-end tests live in test/
// and run against the real Postgres and a fauxqs process started by the global set-up.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  },
];
// The stand-in is a development tool under tools/, not a lib: its mapping comes before the generic one.
const moduleNameMapper = {
  '^@discord-backbone/discord-standin$': '<rootDir>/tools/discord-standin/src',
  '^@discord-backbone/(.*)$': '<rootDir>/libs/$1/src',
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      // One folder per system (prizes, order-threads, …, platform, stand-in); the browser tests run apart.
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/browser/'],
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
    // In a real headless Chromium (Debian's package): `npm run test:browser`, run by CI after npm test.
    {
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/*.test.ts'],
      transform: { '^.+\\.ts$': swc },
      moduleNameMapper,
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/support/global-setup.mjs',
      globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
    },
  ],
};
