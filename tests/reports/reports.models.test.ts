import { describe, expect, it } from 'vitest';
import { formatMinutes, formatPercent, percentile, ratesOf, ratingsOf, slaOf } from '../../src/reports/reports.models.js';

describe('report figures', () => {
  it('rates count each conversation once and add up to 100 %', () => {
    const { total, rates } = ratesOf({ handed_off: 2, answered: 5, clarified: 1, smalltalk: 1, unanswered: 1, resolved_without_staff: 4 });
    expect(total).toBe(10);
    expect(rates).toMatchObject({ handed_off: 0.2, answered: 0.5, resolved_without_staff: 0.4 });
    expect(rates.handed_off! + rates.answered! + rates.clarified! + rates.smalltalk! + rates.unanswered!).toBeCloseTo(1, 10);
    expect(ratesOf({ handed_off: 0, answered: 0, clarified: 0, smalltalk: 0, unanswered: 0, resolved_without_staff: 0 }).rates.answered).toBeNull();
  });

  it('median and p90 by nearest rank', () => {
    const values = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(values, 0.5)).toBe(5);
    expect(percentile(values, 0.9)).toBe(9);
    expect(percentile([42], 0.9)).toBe(42);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('SLA: met by the due time, missed after it or unanswered past it, pending otherwise', () => {
    const at = (m: number) => new Date(Date.UTC(2026, 10, 2, 2, m));
    const due = at(30);
    const sla = slaOf(
      [
        { openedAt: at(0), firstStaffReplyAt: at(30), closedAt: null, slaDueAt: due, rating: null },
        { openedAt: at(0), firstStaffReplyAt: at(31), closedAt: null, slaDueAt: due, rating: null },
        { openedAt: at(0), firstStaffReplyAt: null, closedAt: null, slaDueAt: due, rating: null },
        { openedAt: at(0), firstStaffReplyAt: null, closedAt: null, slaDueAt: at(50), rating: null },
        { openedAt: at(0), firstStaffReplyAt: null, closedAt: null, slaDueAt: null, rating: null },
      ],
      at(40),
    );
    expect(sla).toEqual({ met: 1, missed: 2, pending: 1, share: 1 / 3 });
  });

  it('satisfied share is (total − ratings 1–2) / total', () => {
    expect(ratingsOf([1, 2, 3, 5, 5, null, 4, 2])).toEqual({ counts: [1, 2, 1, 1, 2], total: 7, dissatisfied: 3, satisfiedShare: 4 / 7 });
    expect(ratingsOf([]).satisfiedShare).toBeNull();
    expect(formatPercent(4 / 7)).toBe('57,1 %');
    expect(formatMinutes(125)).toBe('2 giờ 05 phút');
    expect(formatMinutes(null)).toBe('—');
  });
});
