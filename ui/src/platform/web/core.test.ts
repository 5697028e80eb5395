import { afterEach, describe, expect, it, vi } from 'vitest';
import { invoke } from './core';

type Sent = { url: string; headers: Record<string, string>; body: unknown };

function server(replies: Record<string, () => Response>): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
    const name = url.split('/').pop() ?? '';
    return (replies[name] ?? (() => new Response('null', { headers: { 'content-type': 'application/json' } })))();
  });
  return sent;
}

const json = (value: unknown, status = 200) =>
  new Response(JSON.stringify(value), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('the browser transport', () => {
  it('signs in for a cookie session and sends its CSRF token on every later request', async () => {
    const sent = server({
      session_sign_in: () => json({ token: '', csrf: 'c0ffee', user: { login: 'member1' } }),
    });
    const user = await invoke<{ login: string }>('session_sign_in', { login: 'member1', password: 'p' });
    expect(user.login).toBe('member1');
    expect(sent[0]!.headers['x-btlp-session'], 'the server is asked for a cookie, not a bearer token').toBe('cookie');
    await invoke('votes_cast', { meetingId: 'm', caseId: 'c' });
    expect(sent[1]!.url).toBe('/api/v1/votes_cast');
    expect(sent[1]!.headers['x-csrf-token'], 'a state-changing request carries the CSRF token').toBe('c0ffee');
    expect(sent[1]!.body, 'the bindings’ camelCase arguments go as they are').toEqual({ meetingId: 'm', caseId: 'c' });
  });

  it('gives a PDF as its bytes and a refusal as the IpcError the forms already handle', async () => {
    server({
      decisions_pdf: () => new Response(new Uint8Array([37, 80, 68, 70]), { headers: { 'content-type': 'application/octet-stream' } }),
      decisions_sign: () => json({ kind: 'refused', code: 'refused.not_your_turn', message: 'не ваша очередь', field: null }, 409),
    });
    expect(await invoke('decisions_pdf', { id: 'd' })).toEqual([37, 80, 68, 70]);
    await expect(invoke('decisions_sign', { id: 'd' })).rejects.toMatchObject({ code: 'refused.not_your_turn' });
  });

  it('never sends a folder of this computer to the server, and refuses what only the desktop app does', async () => {
    const sent = server({});
    await invoke('journal_export', { from: '', to: '', format: 'csv', folder: '/home/x' });
    expect(sent[0]!.body).toEqual({ from: '', to: '', format: 'csv' });
    await expect(invoke('connection_set', { path: 'x' })).rejects.toMatchObject({ code: 'refused.browser' });
  });
});
