import type { CedarValueJson } from '@cedar-policy/cedar-wasm/nodejs';
import { GatewayError } from '../core/gateway-error.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * `context.now` in the configured time zone: hour, minute, weekday (0 = Sunday), date "YYYY-MM-DD"
 * and epochSeconds. Wall-clock parts change at most once a minute, so they are computed once per
 * minute (Intl formatting costs microseconds the hot path should not pay on every call).
 */
export class ZonedNow {
  private readonly format: Intl.DateTimeFormat;
  private cachedMinute = Number.NaN;
  private cachedParts = { hour: 0, minute: 0, weekday: 0, date: '' };

  constructor(readonly timeZone: string) {
    try {
      this.format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
      });
    } catch {
      throw new GatewayError('CONFIG_INVALID', {
        message: `policy.timezone "${timeZone}" is not a time zone. Use an IANA name such as UTC or Europe/Berlin.`,
      });
    }
  }

  at(epochMs: number): { hour: number; minute: number; weekday: number; date: string; epochSeconds: number } {
    const epochMinute = Math.floor(epochMs / 60_000);
    if (epochMinute !== this.cachedMinute) {
      this.cachedParts = this.parts(epochMs);
      this.cachedMinute = epochMinute;
    }
    // Written out, not spread: this runs on every call that has a policy.
    const { hour, minute, weekday, date } = this.cachedParts;
    return { hour, minute, weekday, date, epochSeconds: Math.floor(epochMs / 1000) };
  }

  /** As Cedar context JSON. */
  context(epochMs: number): CedarValueJson {
    return this.at(epochMs);
  }

  private parts(epochMs: number): { hour: number; minute: number; weekday: number; date: string } {
    const p: Record<string, string> = {};
    for (const { type, value } of this.format.formatToParts(epochMs)) p[type] = value;
    return {
      hour: Number(p['hour']),
      minute: Number(p['minute']),
      weekday: WEEKDAYS.indexOf(p['weekday'] ?? ''),
      date: `${p['year']}-${p['month']}-${p['day']}`,
    };
  }
}
