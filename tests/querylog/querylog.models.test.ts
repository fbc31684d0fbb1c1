import { describe, expect, it } from 'vitest';
import { clusterKeyOf, mergeClusters, toQueryLogRow } from '../../src/querylog/querylog.models.js';

describe('query log models', () => {
  it('keys a question by its distinct folded words without fillers, in any order or spelling', () => {
    expect(clusterKeyOf('làm giấy khai sinh cho con thế nào ạ')).toBe('con giay khai sinh');
    expect(clusterKeyOf('khai sinh cho con làm giấy')).toBe(clusterKeyOf('lam giay khai sinh con'));
    expect(clusterKeyOf('ạ')).toBe('');
  });

  it('masks phone and ID numbers in the text and the normalised form, keeps the decision facts', () => {
    const row = toQueryLogRow({
      conversationId: 1,
      messageId: 2,
      unitId: null,
      channel: 'web',
      text: 'Gọi tôi: 0912.345.678 hoặc +84 912 345 679, CCCD 001203004567!',
      decision: { kind: 'handoff', reason: 'personal_case', confidence: 0.31234, candidates: [{ id: 'a', title: 'A', score: 0.123456 }] },
      via: 'typed',
      at: new Date(0),
    });
    expect(row.text).toBe('Gọi tôi: ***678 hoặc ***679, CCCD ***567!');
    expect(row.normalized).toBe('gọi tôi so hoặc so cccd so');
    expect(row).toMatchObject({ decision: 'handoff', reason: 'personal_case', confidence: 0.312, candidates: [{ id: 'a', score: 0.123 }] });
  });

  it('merges keys sharing most words into the larger cluster and sorts by residents', () => {
    const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
    const clusters = mergeClusters({
      groups: [
        { key: 'con nhan nuoi thu tuc', conversations: ids(1, 5) },
        { key: 'ban dat', conversations: ids(20, 4) },
        { key: 'con nhan nuoi', conversations: ids(10, 2) },
        { key: 'con nuoi thu tuc xin', conversations: ids(12, 2) },
      ],
    });
    expect(clusters.map((c) => [c.keys, c.residents])).toEqual([
      [['con nhan nuoi thu tuc', 'con nhan nuoi', 'con nuoi thu tuc xin'], 9],
      [['ban dat'], 4],
    ]);
  });

  it('counts a resident who asked two merged keys once', () => {
    // Resident 7 asked both wordings, resident 8 only the second: two residents, not three.
    const clusters = mergeClusters({
      groups: [
        { key: 'giay khai sinh', conversations: [7] },
        { key: 'giay khai sinh con', conversations: [7, 8] },
      ],
    });
    expect(clusters).toHaveLength(1);
    expect(clusters[0]!.residents).toBe(2);
  });
});
