/** The demo's well-known credentials are loaded only when asked for. */
import { describe, expect, it } from 'vitest';
import { readConfig } from './config.js';

describe('the demo is loaded only on purpose', () => {
  it.each([
    ['no flag, no variable', {}, [], false],
    ['SANBAO_DEMO=1', { SANBAO_DEMO: '1' }, [], true],
    ['--demo (npm start)', {}, ['--demo'], true],
    ['--demo with SANBAO_DEMO=0', { SANBAO_DEMO: '0' }, ['--demo'], false],
    ['SANBAO_DEMO=yes is not 1', { SANBAO_DEMO: 'yes' }, [], false],
  ] as const)('%s', (_name, env, argv, demo) => {
    expect(readConfig(env, ['node', 'main.js', ...argv]).demo).toBe(demo);
  });
});
