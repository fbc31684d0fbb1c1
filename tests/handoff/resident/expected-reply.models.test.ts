import { describe, expect, it } from 'vitest';
import { describeExpectedReply, formatDuration } from '../../../src/handoff/resident/expected-reply.models.js';
import { createWorkingCalendar, DEFAULT_OFFICE_HOURS } from '../../../src/units/calendar.models.js';

const calendar = createWorkingCalendar({
  officeHours: DEFAULT_OFFICE_HOURS,
  holidays: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20', '2026-04-27', '2026-04-30', '2026-05-01'],
  makeUpDays: ['2026-01-10'],
  timezone: 'Asia/Ho_Chi_Minh',
});
const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
const phrase = (local: string, slaMinutes = 120) => describeExpectedReply({ calendar, now: vn(local), slaMinutes }).phrase;

describe('describeExpectedReply', () => {
  it('inside office hours promises the SLA in working time', () => {
    const reply = describeExpectedReply({ calendar, now: vn('2026-03-02 09:00'), slaMinutes: 120 });
    expect(reply).toMatchObject({ insideHours: true, phrase: 'trong khoảng 2 giờ làm việc', text: 'Cán bộ sẽ trả lời anh/chị trong khoảng 2 giờ làm việc.' });
    expect(reply.dueAt.toISOString()).toBe(vn('2026-03-02 11:00').toISOString());
    expect(phrase('2026-03-02 10:00', 90)).toBe('trong khoảng 1 giờ 30 phút làm việc');
    expect(phrase('2026-03-02 16:45', 30)).toBe('trong khoảng 30 phút làm việc');
  });

  it('over lunch: this afternoon', () => {
    const reply = describeExpectedReply({ calendar, now: vn('2026-03-02 12:10'), slaMinutes: 120 });
    expect(reply).toMatchObject({ insideHours: false, phrase: 'từ 13:30 chiều nay' });
    expect(reply.text).toBe('Bây giờ là ngoài giờ làm việc. Cán bộ sẽ trả lời anh/chị từ 13:30 chiều nay.');
    expect(reply.dueAt.toISOString()).toBe(vn('2026-03-02 15:30').toISOString());
  });

  it('early morning: this morning; evening: tomorrow morning', () => {
    expect(phrase('2026-03-03 06:00')).toBe('từ 7:30 sáng nay');
    expect(phrase('2026-03-03 19:00')).toBe('từ 7:30 sáng mai');
  });

  it('Friday evening and the weekend: Monday, without a date', () => {
    expect(phrase('2026-03-06 17:30')).toBe('từ 7:30 sáng thứ Hai');
    expect(phrase('2026-03-07 10:00')).toBe('từ 7:30 sáng thứ Hai');
    expect(phrase('2026-03-08 21:00')).toBe('từ 7:30 sáng mai');
  });

  it('Tết and long holidays: the weekday with the date', () => {
    expect(phrase('2026-02-13 17:05')).toBe('từ 7:30 sáng thứ Hai, 23/2');
    expect(phrase('2026-02-17 09:00')).toBe('từ 7:30 sáng thứ Hai, 23/2');
    expect(phrase('2026-04-24 18:00')).toBe('từ 7:30 sáng thứ Ba, 28/4'); // Giỗ Tổ Monday off
    expect(phrase('2026-04-29 18:00')).toBe('từ 7:30 sáng thứ Hai, 4/5'); // 30/4–1/5
  });

  it('a make-up Saturday counts as a working day', () => {
    expect(phrase('2026-01-09 18:00')).toBe('từ 7:30 sáng mai');
    expect(phrase('2026-01-10 09:00')).toBe('trong khoảng 2 giờ làm việc');
  });
});

describe('formatDuration', () => {
  it.each([
    [120, '2 giờ'],
    [60, '1 giờ'],
    [90, '1 giờ 30 phút'],
    [45, '45 phút'],
    [0, '1 phút'],
  ])('%i → %s', (minutes, text) => expect(formatDuration(minutes)).toBe(text));
});
