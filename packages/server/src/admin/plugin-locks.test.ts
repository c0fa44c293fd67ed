import { describe, expect, it } from 'vitest';
import { PluginLocks } from './plugin-locks.js';

describe('PluginLocks', () => {
  it('runs tasks on one plugin one after another, and on different plugins side by side', async () => {
    const locks = new PluginLocks();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const first = locks.run('a', async () => {
      log.push('a1 start');
      await gate;
      log.push('a1 end');
    });
    const second = locks.run('a', () => Promise.resolve(log.push('a2')));
    await locks.run('b', () => Promise.resolve(log.push('b1')));
    expect(log).toEqual(['a1 start', 'b1']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('keeps going after a task fails, and passes the failure to its caller', async () => {
    const locks = new PluginLocks();
    await expect(locks.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(locks.run('a', () => Promise.resolve(7))).resolves.toBe(7);
  });
});
