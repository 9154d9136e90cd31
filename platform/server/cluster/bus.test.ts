import { describe, expect, it } from 'vitest';
import { ClusterBus, isBusEnvelope, type BusEnvelope } from './bus.server.ts';

describe('ClusterBus', () => {
  it('delivers to this process at once and hands the message to the relay for the others', () => {
    const relayed: BusEnvelope[] = [];
    const bus = new ClusterBus((envelope) => relayed.push(envelope));
    const heard: unknown[] = [];
    const off = bus.subscribe('a', (payload) => heard.push(payload));
    bus.subscribe('b', () => heard.push('wrong channel'));
    bus.publish('a', { tokenId: 't1' });
    expect(heard).toEqual([{ tokenId: 't1' }]);
    expect(relayed).toEqual([{ tongguanBus: 1, channel: 'a', payload: { tokenId: 't1' } }]);
    expect(relayed.every(isBusEnvelope)).toBe(true);
    off();
    bus.publish('a', 2);
    expect(heard).toHaveLength(1);
  });

  it('a failing subscriber does not stop the others', () => {
    const bus = new ClusterBus(undefined);
    const heard: number[] = [];
    bus.subscribe('x', () => { throw new Error('boom'); });
    bus.subscribe('x', (n) => heard.push(n as number));
    const original = console.error;
    console.error = () => undefined;
    try {
      bus.publish('x', 7);
    } finally {
      console.error = original;
    }
    expect(heard).toEqual([7]);
    expect(bus.clustered).toBe(false);
  });

  it('tells its envelopes from other IPC messages', () => {
    expect(isBusEnvelope({ tongguanListening: 1 })).toBe(false);
    expect(isBusEnvelope(null)).toBe(false);
    expect(isBusEnvelope({ tongguanBus: 1, channel: 'c', payload: null })).toBe(true);
  });
});
