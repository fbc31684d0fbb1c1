import { describe, expect, it } from 'vitest';
import { parseStaffCommand, toButtonData } from '../../../src/handoff/staff/staff-commands.models.js';

const parse = (text: string, action?: string) => parseStaffCommand({ text, action }).command;

describe('staff commands', () => {
  it.each([
    ['/nhan HS-0042', 'claim'],
    ['/claim HS-0042', 'claim'],
    ['/nhận HS-0042', 'claim'],
    ['/NHAN hs42', 'claim'],
    ['/dong HS-0042', 'close'],
    ['/đóng HS-0042', 'close'],
    ['/close HS-0042', 'close'],
    ['/ghichu HS-0042 đã gọi điện', 'note'],
    ['/note HS-0042 called', 'note'],
    ['/chuyen HS-0042 Minh', 'transfer'],
    ['/chuyển HS-0042 Minh', 'transfer'],
    ['/transfer HS-0042 pm-minh', 'transfer'],
    ['/ds', 'list'],
    ['/list', 'list'],
    ['/faq HS-0042', 'faq'],
    ['/id', 'id'],
    ['/mo HS-0042', 'reopen'],
    ['/traloi HS-0042 xin chào', 'reply'],
  ])('%j is %s', (text, verb) => {
    expect(parse(text).verb).toBe(verb);
  });

  it('reads the ticket code and the rest of the text', () => {
    expect(parse('/ghichu HS-0042 đã gọi điện cho người dân')).toMatchObject({ verb: 'note', code: 'HS-0042', text: 'đã gọi điện cho người dân' });
    expect(parse('/chuyen 42 Trần Văn Minh')).toMatchObject({ verb: 'transfer', code: 'HS-0042', text: 'Trần Văn Minh' });
  });

  it('a command without a code leaves the code to the context (topic or quoted message)', () => {
    const command = parse('/ghichu gọi lại sau');
    expect(command).toMatchObject({ verb: 'note', text: 'gọi lại sau' });
    expect('code' in command && command.code).toBeFalsy();
  });

  it('#HS-0042 text is an explicit reply', () => {
    expect(parse('#HS-0042 Anh/chị mang theo CCCD nhé')).toMatchObject({ verb: 'reply', code: 'HS-0042', text: 'Anh/chị mang theo CCCD nhé' });
    expect(parse('#hs42: ok')).toMatchObject({ verb: 'reply', code: 'HS-0042', text: 'ok' });
  });

  it('plain text and hashtags that are not codes are plain text', () => {
    expect(parse('ai trực chiều nay?').verb).toBe('text');
    expect(parse('#lichtruc tuần này').verb).toBe('text');
  });

  it('foreign commands are ignored, not refused', () => {
    expect(parse('/start').verb).toBe('unknown');
    expect(parse('/weather').verb).toBe('unknown');
  });

  it('buttons carry the ticket id', () => {
    expect(parse('', toButtonData({ verb: 'claim', ticketId: 17 }))).toMatchObject({ verb: 'claim', ticketId: 17, fromButton: true });
    expect(parse('', 't:close:9')).toMatchObject({ verb: 'close', ticketId: 9 });
    expect(parse('', 't:drop:9').verb).toBe('unknown');
    expect(parse('', 'rate:1:5').verb).toBe('unknown');
  });
});
