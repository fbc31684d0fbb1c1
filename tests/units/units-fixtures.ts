// Small data folders written to a temp dir, so database tests control exactly what is imported.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One centre: no choice is asked. */
export const ONE_UNIT_YAML = `
units:
  - id: phuong-mot
    name: Trung tâm Phục vụ hành chính công phường Một
    shortName: Phường Một
    address: 1 Đường A
    phone: "0200 000 001"
    hours: Giờ hành chính
`;

export const TWO_UNITS_YAML = `
units:
  - id: phuong-a
    name: Trung tâm Phục vụ hành chính công phường An Khánh
    shortName: Phường An Khánh
    address: 1 Đường A
    phone: "0200 000 001"
    hours: Giờ hành chính
    lead: a-lead
    slaMinutes: 90
    ticketPolicy: open_directly
    staffGroups:
      - { conversationRef: "telegram:-1000000000001", forum: true }
      - { conversationRef: "zalo:group:900000000000000001" }
    staff:
      - { id: a-lead, name: Nguyễn Thị Lan, role: lead, telegramUserId: "100000001", zaloUserId: "800000000000000001" }
      - { id: a-minh, name: Trần Văn Minh, telegramUserId: 100000002 }
      - { id: a-hoa, name: Lê Thị Hoa, zaloUserId: "800000000000000003" }
    roster:
      - { weekday: mon, staff: [a-minh] }
      - { weekday: 3, staff: [a-minh], from: "07:30", to: "11:30" }
      - { weekday: wed, staff: [a-hoa], from: "13:30", to: "17:00" }
      - { date: 2026-03-09, staff: [a-hoa] }
      - { date: 2026-02-18, staff: [a-minh] }
    holidays:
      - { date: 2026-03-10, name: Lễ hội làng }
  - id: xa-b
    name: Trung tâm Phục vụ hành chính công xã Bình Đức
    shortName: Xã Bình Đức
    address: 2 Đường B
    phone: "0200 000 002"
    hours: Giờ hành chính
    officeHours:
      mon: ["08:00-12:00"]
      sat: ["08:00-11:00"]
    staffGroups: [{ conversationRef: "telegram:-1000000000002" }]
    staff:
      - { id: b-an, name: Phạm Văn An, role: lead, telegramUserId: "100000001" }
`;

export const HOLIDAYS_2026_YAML = `
year: 2026
holidays:
  - { date: 2026-02-16, name: Tết }
  - { date: 2026-02-17, name: Tết }
  - { date: 2026-02-18, name: Tết }
  - { date: 2026-02-19, name: Tết }
  - { date: 2026-02-20, name: Tết }
makeUpDays:
  - { date: 2026-01-10, name: Làm bù }
`;

/** A fresh data folder with the given files (paths relative to it). */
export function writeDataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcb-units-'));
  for (const [path, text] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

/** A Vietnamese wall-clock time, e.g. vn('2026-03-02 07:30'). */
export const vn = (local: string) => new Date(`${local.replace(' ', 'T')}:00+07:00`);
