import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// The browser's platform layer under the live screens, over a stand-in EventSource the test drives.
vi.mock('@tauri-apps/api/event', () => import('../platform/web/event'));
import { live, SETTLE_MS } from './live';

class FakeSource {
  static CLOSED = 2;
  static all: FakeSource[] = [];
  readyState = 1;
  listeners: Record<string, (m: { data: string }) => void> = {};
  onopen: () => void = () => undefined;
  onerror: () => void = () => undefined;
  constructor(public url: string) {
    FakeSource.all.push(this);
  }
  addEventListener(name: string, f: (m: { data: string }) => void) {
    this.listeners[name] = f;
  }
  close() {
    this.readyState = FakeSource.CLOSED;
  }
  send(event: unknown) {
    this.listeners.live?.({ data: JSON.stringify(event) });
  }
}

const vote = (meeting: string) => ({ kind: 'notices', notices: [{ subject: 'meeting', id: meeting }] });

beforeEach(() => {
  vi.useFakeTimers();
  FakeSource.all = [];
  vi.stubGlobal('EventSource', FakeSource);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('live screens', () => {
  it('reload once for notices about what they show, and not for others', async () => {
    const meeting = vi.fn();
    const stop = live(() => [{ subject: 'meeting', id: 'm1' }, { subject: 'decision' }], meeting);
    await vi.advanceTimersByTimeAsync(0);
    const stream = FakeSource.all[0]!;
    expect(stream.url, 'the session stream on the same origin').toBe('/api/v1/notices');
    stream.send(vote('m2'));
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 1);
    expect(meeting, 'a vote in another meeting must not reload this one').not.toHaveBeenCalled();
    stream.send(vote('m1'));
    stream.send({ kind: 'notices', notices: [{ subject: 'decision', id: 'any' }] });
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 1);
    expect(meeting, 'notices arriving together reload the screen once').toHaveBeenCalledTimes(1);
    stop();
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.readyState, 'the stream closes when no screen listens').toBe(FakeSource.CLOSED);
    stream.send(vote('m1'));
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 1);
    expect(meeting, 'a screen that is gone is not reloaded').toHaveBeenCalledTimes(1);
  });

  it('reload every screen once after a lost stream is back', async () => {
    const [a, b] = [vi.fn(), vi.fn()];
    const stops = [live(() => [{ subject: 'case', id: 'c1' }], a), live(() => [{ subject: 'report' }], b)];
    await vi.advanceTimersByTimeAsync(0);
    const stream = FakeSource.all[0]!;
    stream.onopen();
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 1);
    expect(a, 'the first opening is no resync').not.toHaveBeenCalled();
    stream.readyState = 0;
    stream.onerror();
    stream.onopen();
    await vi.advanceTimersByTimeAsync(SETTLE_MS + 1);
    expect([a.mock.calls.length, b.mock.calls.length], 'what changed meanwhile is unknown: all reload once').toEqual([1, 1]);
    stops.forEach((s) => s());
  });
});
