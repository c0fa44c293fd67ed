import { describe, expect, it } from 'vitest';
import { stdioEnvironment } from './stdio-environment.js';

describe('stdioEnvironment', () => {
  const parent = {
    PATH: '/usr/bin',
    HOME: '/home/gw',
    LANG: 'C.UTF-8',
    DATABASE_URL: 'postgres://secret',
    OPENAI_API_KEY: 'sk-secret',
    SHELL: '() { :; }; echo pwned',
  };

  it('keeps only the basics from the parent, then the explicit variables, which win', () => {
    expect(stdioEnvironment({ API_TOKEN: 'plugin-token', LANG: 'de_DE.UTF-8' }, parent)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/gw',
      LANG: 'de_DE.UTF-8',
      API_TOKEN: 'plugin-token',
    });
  });
});
